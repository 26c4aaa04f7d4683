import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLinkHistory } from '../../src/core/next/eval/linkHistory';
import {
  changedWords,
  importedModules,
  MAX_WORD_FILES,
  ModuleImporters,
  moduleName,
  scoreSharedWords,
} from '../../src/core/nextEdit/fileLinks';
import { readCommits } from '../../src/core/next/signals/gitHistory';
import { makeRepo } from './fixtures/gitRepo';

describe('file links: what the code says about a changed file', () => {
  it('names an imported module the way moduleName names the file that defines it', () => {
    const text = [
      "import styles from './Journey.module.css';",
      "import { api } from '../lib/api/index.js';",
      "import { useReport } from '@/components/hooks';",
      "const cfg = require('./config.json');",
      "export { Cart } from './cart';",
    ].join('\n');
    const modules = importedModules(text);
    for (const file of [
      'src/app/Journey.module.css',
      'src/lib/api/index.ts',
      'src/components/hooks/index.ts',
      'src/config.json',
      'src/cart.ts',
    ])
      assert.ok(modules.has(moduleName(file)), `${file} (${moduleName(file)}) in ${[...modules].join(', ')}`);
    const py = importedModules('from .models import Order, Line\nimport app.api.users\nfrom . import checkout\n');
    for (const file of ['app/models.py', 'app/api/users.py', 'app/checkout/__init__.py'])
      assert.ok(py.has(moduleName(file)), file);
    assert.equal(py.has('Order'), true, 'a name imported from a package may be its module');
  });

  it('keeps the importers of each module current as files change and go', () => {
    const importers = new ModuleImporters();
    importers.set('src/a.ts', importedModules("import { b } from './b';"));
    importers.set('src/c.ts', importedModules("import { b } from './lib/b';\nimport { d } from './d';"));
    assert.deepEqual(importers.importersOf('src/lib/b.ts', 10).sort(), ['src/a.ts', 'src/c.ts']);
    importers.set('src/a.ts', importedModules("import { d } from './d';"));
    assert.deepEqual(importers.importersOf('src/b.ts', 10), ['src/c.ts']);
    importers.delete('src/c.ts');
    assert.deepEqual(importers.importersOf('src/b.ts', 10), []);
    assert.deepEqual(importers.importersOf('src/d.ts', 10), ['src/a.ts']);
  });

  it('takes the words of the lines a change added or removed, not of the lines it kept or moved', () => {
    const before = 'const total = price * quantity;\nfunction renderCart() {}\nreturn total;';
    const after = 'function renderCart() {}\nconst total = price * quantity * discountRate;\nreturn total;';
    // the kept line moved; the changed line's words (5+ characters, no keywords) count once, old and new alike
    assert.deepEqual(changedWords(before, after).sort(), ['discountRate', 'price', 'quantity', 'total'].sort());
    assert.deepEqual(changedWords('same\nlines', 'same\nlines'), []);
  });

  it('scores files by the rarity of the changed words they hold, leaving out words found everywhere', () => {
    const holders: Record<string, string[]> = {
      discountRate: ['src/pricing.ts'],
      quantity: ['src/pricing.ts', 'src/cart.ts', 'src/order.ts', 'src/stock.ts'],
      export: Array.from({ length: MAX_WORD_FILES + 1 }, (_, i) => `src/f${i}.ts`),
    };
    const score = scoreSharedWords('src/cart.ts', ['discountRate', 'quantity', 'export'], (w) => holders[w] ?? []);
    assert.deepEqual([...score.keys()].slice(0, 1), ['src/pricing.ts']);
    assert.equal(score.get('src/pricing.ts'), 1 + 1 / 3);
    assert.equal(score.get('src/order.ts'), 1 / 3);
    assert.equal(score.has('src/cart.ts'), false, 'the changed file itself is not a link');
    assert.equal(score.has('src/f0.ts'), false, 'a word in more than MAX_WORD_FILES files points nowhere');
  });
});

describe('file links read from git for the next-file replay', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ondi-links-'));
    makeRepo(dir, [
      {
        'src/pricing.ts': 'export function applyDiscount(price: number) { return price; }\n',
        'src/cart.ts': "import { applyDiscount } from './pricing';\nexport const cart = [];\n",
        'src/stock.ts': 'export const shelves = 3;\n',
      },
      // the question: cart.ts starts using shelves (a new import) and calls a new pricing helper
      {
        'src/cart.ts':
          "import { applyDiscount, seasonalRate } from './pricing';\nimport { shelves } from './stock';\nexport const cart = [seasonalRate()];\n",
        'src/pricing.ts':
          'export function applyDiscount(price: number) { return price; }\nexport function seasonalRate() { return 1; }\n',
      },
    ]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the query its imports as the commit leaves it, its importers and the words of its change as before it', async () => {
    const commits = await readCommits(dir);
    const links = await readLinkHistory(dir, commits, 1);
    const cart = links(1, 'src/cart.ts');
    assert.ok(cart, 'the second commit changes two files: a question');
    assert.deepEqual([...cart.imports].sort(), ['pricing', 'stock']);
    assert.deepEqual([...cart.added], ['stock'], 'the commit added the import of stock');
    assert.deepEqual([...cart.importers], []);
    assert.ok(
      (cart.sharedWords.get('src/pricing.ts') ?? 0) > 0,
      'applyDiscount is on a changed line and in pricing.ts',
    );
    assert.ok(cart.sharedWords.has('src/stock.ts'), '"shelves" too');
    assert.equal(cart.sharedWords.has('src/cart.ts'), false);
    const pricing = links(1, 'src/pricing.ts');
    assert.deepEqual([...(pricing?.importers ?? [])], ['src/cart.ts'], 'cart.ts imported pricing before the commit');
    assert.equal(links(0, 'src/cart.ts'), undefined, 'commits before `from` are not questions');
  });
});
