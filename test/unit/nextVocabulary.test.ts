import * as assert from 'node:assert/strict';
import {
  abstractKey,
  actionKey,
  afterPhrase,
  describeAction,
  isPerformable,
} from '../../src/core/next/signals/actions';
import {
  fileKind,
  folderSimilarity,
  isTestPair,
  nameSimilarity,
  pathParts,
} from '../../src/core/next/learners/pathStructure';
import { normalizeCommand } from '../../src/core/next/signals/shellCommand';
import { SECRET } from '../../src/core/privacy/commandSecrets';

describe('next-step vocabulary', () => {
  it('gives equal keys to the same step and abstracts files to their kind', () => {
    assert.equal(actionKey({ kind: 'save', file: 'src/a.test.ts' }), 'save:src/a.test.ts');
    assert.equal(abstractKey({ kind: 'save', file: 'src/a.test.ts' }), 'save:*.test.ts');
    assert.equal(actionKey({ kind: 'taskEnd', name: 'build', exitCode: 2 }), 'taskEnd:build:failed');
    assert.equal(actionKey({ kind: 'shell', template: 'npm test', command: 'npm test' }), 'shell:npm test');
    assert.equal(abstractKey({ kind: 'task', name: 'build' }), undefined);
  });

  it('knows which steps Ondi can perform', () => {
    assert.equal(isPerformable({ kind: 'open', file: 'a' }), true);
    assert.equal(isPerformable({ kind: 'commit' }), true);
    assert.equal(isPerformable({ kind: 'save', file: 'a' }), false);
    assert.equal(isPerformable({ kind: 'taskEnd', name: 'x', exitCode: 0 }), false);
  });

  it('names steps and contexts the way a person would', () => {
    assert.equal(describeAction({ kind: 'open', file: 'src/cart.test.ts' }), 'Open cart.test.ts');
    assert.equal(describeAction({ kind: 'task', name: 'npm: test' }), 'Run task npm: test');
    assert.equal(afterPhrase('save:*.test.ts'), 'after saving a *.test.ts file');
    assert.equal(afterPhrase('taskEnd:npm: test:failed'), 'after the task `npm: test` failed');
    assert.equal(afterPhrase('shellEnd:npm test:ok'), 'after `npm test` finished');
  });
});

describe('shell command normalization', () => {
  const cases: [string, string, string][] = [
    ['npm test', 'npm test', 'npm test'],
    ['git commit -m "fix the cart"', 'git commit -m <text>', 'git commit -m "fix the cart"'],
    ['node server.js --port 8080', 'node server.js --port <n>', 'node server.js --port 8080'],
    ['git show 3f2a9bc1', 'git show <hash>', 'git show 3f2a9bc1'],
    [
      'GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz123456 npm publish',
      `GITHUB_TOKEN=${SECRET} npm publish`,
      `GITHUB_TOKEN=${SECRET} npm publish`,
    ],
    ['psql --password=s3cr3t db', `psql --password=${SECRET} db`, `psql --password=${SECRET} db`],
    ['deploy --api-key abc123', `deploy --api-key ${SECRET}`, `deploy --api-key ${SECRET}`],
    ['mysql -u root -phunter2 shop', `mysql -u root -p${SECRET} shop`, `mysql -u root -p${SECRET} shop`],
    [
      'curl https://me:hunter2@example.com/x',
      `curl https://me:${SECRET}@example.com/x`,
      `curl https://me:${SECRET}@example.com/x`,
    ],
  ];
  for (const [line, template, command] of cases) {
    it(`${line} -> ${template}`, () => {
      const normalized = normalizeCommand(line);
      assert.equal(normalized?.template, template);
      assert.equal(normalized?.command, command);
      assert.equal(normalized?.redacted, command.includes(SECRET));
    });
  }

  it('removes bearer tokens and long random strings, and drops empty or pasted-script lines', () => {
    assert.equal(
      normalizeCommand('curl -H "Authorization: Bearer abc.def.ghi" x')?.command,
      `curl -H "Authorization: Bearer ${SECRET}" x`,
    );
    assert.equal(normalizeCommand('echo Zk9xR2t8Lm4pQ7wV1sY3bN6cJ0aHdEf')?.command, `echo ${SECRET}`);
    assert.equal(normalizeCommand('   '), undefined);
    assert.equal(normalizeCommand('x'.repeat(600)), undefined);
  });
});

describe('path structure', () => {
  it('finds stems and test roles across naming conventions', () => {
    assert.deepEqual(pathParts('src/cart.test.ts'), {
      dir: 'src',
      base: 'cart.test.ts',
      ext: '.ts',
      stem: 'cart',
      isTest: true,
    });
    assert.equal(pathParts('tests/test_models.py').stem, 'models');
    assert.equal(pathParts('src/main/java/CartTest.java').stem, 'cart');
    assert.equal(pathParts('test/cart.js').isTest, true);
    assert.equal(pathParts('lib/cart.js').isTest, false);
    assert.equal(pathParts('examples/hello-world/index.js').stem, 'hello-world', 'an index file is about its folder');
    assert.equal(pathParts('src/billing/__init__.py').stem, 'billing');
    assert.equal(pathParts('src/index.ts').stem, 'index', 'src says where, not what');
  });

  it('pairs sources with their tests', () => {
    assert.equal(isTestPair('src/cart.ts', 'test/cart.test.ts'), true);
    assert.equal(isTestPair('app/models.py', 'tests/test_models.py'), true);
    assert.equal(isTestPair('src/cart.ts', 'src/money.test.ts'), false);
    assert.equal(
      isTestPair('src/index.ts', 'test/index.test.ts'),
      false,
      'index files pair with everything, so with nothing',
    );
    assert.equal(isTestPair('src/__init__.py', 'tests/__init__.py'), false);
    assert.equal(isTestPair('examples/hello-world/index.js', 'test/acceptance/hello-world.js'), true);
  });

  it('measures folder and name similarity', () => {
    assert.equal(folderSimilarity('a/b/c.ts', 'a/b/d.ts'), 1);
    assert.equal(folderSimilarity('a/b/c.ts', 'a/x/d.ts'), 0.5);
    assert.ok(nameSimilarity('src/shoppingCart.ts', 'src/shopping-cart-view.ts') >= 0.4);
    assert.equal(nameSimilarity('src/cart.ts', 'src/money.ts'), 0);
    assert.equal(fileKind('tests/test_models.py'), 'test_*.py');
    assert.equal(fileKind('src/types.d.ts'), '*.d.ts');
  });
});
