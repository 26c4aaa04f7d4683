import * as assert from 'node:assert/strict';
import { NextEditPredictor } from '../../src/core/nextEdit/nextEditPredictor';
import { applyToLine, repeats, transformationOf } from '../../src/core/nextEdit/transformation';
import type { EditCandidate, UserEdit } from '../../src/core/nextEdit/types';

/** A workspace held in memory; `edit` replaces one line of a file as the user would. */
class Workspace {
  constructor(readonly texts: Record<string, string>) {}
  readonly reader = { read: (path: string) => this.texts[path], files: () => Object.keys(this.texts) };

  edit(path: string, line: number, newText: string): UserEdit {
    const lines = (this.texts[path] ?? '').split('\n');
    const oldText = lines[line] ?? '';
    lines.splice(line, 1, ...newText.split('\n'));
    this.texts[path] = lines.join('\n');
    const end = line + newText.split('\n').length - 1;
    return { path, before: { start: line, end: line }, after: { start: line, end }, oldText, newText, time: 0 };
  }
}

const at = (candidates: readonly EditCandidate[]) => candidates.map((c) => `${c.path}:${c.line}`);

describe('next edit: where', () => {
  it('a renamed identifier: its other occurrences here and in the files that import it, before files that merely hold the word', () => {
    const ws = new Workspace({
      'src/user.ts': [
        'export function getUser(id: string) {',
        '  return db.get(id);',
        '}',
        'export const admin = () => getUser("root");',
      ].join('\n'),
      'src/app.ts': ['import { getUser } from "./user";', '', 'render(getUser(session.id));'].join('\n'),
      'src/other.ts': 'const getUser = 1; // an unrelated file that does not import user',
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const edit = ws.edit('src/user.ts', 0, 'export function fetchUser(id: string) {');
    const found = predictor.predict([edit], 10);
    const where = at(found);
    assert.ok(where.includes('src/user.ts:3'), where.join());
    assert.ok(where.includes('src/app.ts:0') && where.includes('src/app.ts:2'), where.join());
    const unrelated = where.findIndex((w) => w.startsWith('src/other.ts'));
    assert.ok(
      unrelated < 0 || (unrelated > where.indexOf('src/app.ts:0') && unrelated > where.indexOf('src/app.ts:2')),
      `a file that holds the word without importing it comes after the importer: ${where.join()}`,
    );
    assert.equal(found[0]?.path, 'src/user.ts', 'the same file, nearest, first');
  });

  it('a changed signature: the call sites of the function', () => {
    const ws = new Workspace({
      'lib/price.py': ['def total(items):', '    return sum(i.price for i in items)'].join('\n'),
      'lib/cart.py': [
        'from lib.price import total',
        '',
        'def checkout(cart):',
        '    amount = total(cart.items)',
        '    return amount',
      ].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const edit = ws.edit('lib/price.py', 0, 'def total(items, currency):');
    const found = predictor.predict([edit], 5);
    const call = found.find((c) => c.kind === 'call-site');
    assert.ok(call, JSON.stringify(found));
    assert.equal(`${call.path}:${call.line}`, 'lib/cart.py:3');
    assert.match(call.reason, /total/);
  });

  it('an added union member: the switch over its siblings', () => {
    const ws = new Workspace({
      'src/shape.ts': ['export type Shape =', "  | 'circle'", "  | 'square';"].join('\n'),
      'src/area.ts': [
        "import type { Shape } from './shape';",
        'export function area(s: Shape) {',
        '  switch (s) {',
        "    case 'circle':",
        '      return 1;',
        "    case 'square':",
        '      return 2;',
        '  }',
        '}',
      ].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const edit = ws.edit('src/shape.ts', 2, "  | 'square'\n  | 'triangle';");
    const found = predictor.predict([edit], 5);
    const sibling = found.find((c) => c.kind === 'sibling-branch');
    assert.ok(sibling, JSON.stringify(found));
    assert.equal(sibling.path, 'src/area.ts');
    assert.ok(sibling.line >= 3 && sibling.line <= 7, `inside the switch, not line ${sibling.line}`);
  });

  it('never proposes the lines just edited, nor an edit that writes back what they held', () => {
    const ws = new Workspace({
      'a.ts': ['const total = price * qty;', 'log(total);', 'send(total);', 'const total2 = total;'].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const first = ws.edit('a.ts', 1, 'log(sum);');
    const back = ws.edit('a.ts', 1, 'log(total);'); // the user undoes it by hand
    for (const recent of [[first], [first, back]]) {
      const last = recent[recent.length - 1] as UserEdit;
      for (const c of predictor.predict(recent, 10)) {
        assert.ok(c.path !== last.path || c.line < last.after.start || c.line > last.after.end, JSON.stringify(c));
        if (c.proposal && c.proposal.lines.start <= 1 && c.proposal.lines.end >= 1)
          assert.notEqual(c.proposal.newText.split('\n')[1 - c.proposal.lines.start], last.oldText);
      }
    }
    // After the undo, the earlier rename total -> sum is not proposed again (it would undo the undo's intent only by accident).
    const afterUndo = predictor.predict([first, back], 10);
    assert.ok(!afterUndo.some((c) => c.proposal?.newText.includes('sum')), JSON.stringify(afterUndo));
  });
});

describe('next edit: what', () => {
  it('a repeated token substitution: proposes the edited line, and a block of lines as one edit', () => {
    const ws = new Workspace({
      'src/api.ts': [
        'const a = request.get(url);',
        'const b = request.get(other);',
        'const c = request.get(third);',
        'const d = 2;',
      ].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const edit = ws.edit('src/api.ts', 0, 'const a = client.fetch(url);');
    const top = predictor.predict([edit], 3)[0];
    assert.equal(top?.kind, 'repeat-pattern');
    assert.deepEqual(top?.proposal, {
      lines: { start: 1, end: 2 },
      newText: 'const b = client.fetch(other);\nconst c = client.fetch(third);',
    });
  });

  it('a change made twice is still proposed after edits that the caller no longer passes', () => {
    const ws = new Workspace({
      'src/a.ts': ['x = legacyFetch(1);', 'y = legacyFetch(2);', 'z = legacyFetch(3);', 'w = 0;', 'v = 1;'].join('\n'),
      'src/b.ts': ['once = oldName;', 'twice = oldName;', 'filler = 2;'].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    // legacyFetch -> fetchNow twice (a migration under way); oldName -> newName once.
    predictor.predict([ws.edit('src/a.ts', 0, 'x = fetchNow(1);')]);
    predictor.predict([ws.edit('src/a.ts', 1, 'y = fetchNow(2);')]);
    predictor.predict([ws.edit('src/b.ts', 0, 'once = newName;')]);
    // The caller passes only the edit just made, which repeats neither change.
    const found = predictor.predict([ws.edit('src/a.ts', 3, 'w = 10;')], 10);
    const repeat = found.find((c) => c.proposal?.newText === 'z = fetchNow(3);');
    assert.ok(repeat, JSON.stringify(found));
    assert.equal(`${repeat.path}:${repeat.line}`, 'src/a.ts:2');
    assert.ok(
      !found.some((c) => c.proposal?.newText.includes('newName')),
      'a change made once, no longer among the recent edits, is not proposed',
    );
  });

  it('the same change in a file that neither imports nor changes with the edited one, found by its words', () => {
    const ws = new Workspace({
      'lib/a.js': ["var path = require('path');", 'module.exports = path;'].join('\n'),
      'examples/far/away.js': ['// an unrelated example', "var path = require('path');", 'run(path);'].join('\n'),
      'lib/c.js': ['module.exports = 3;'].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const found = predictor.predict([ws.edit('lib/a.js', 0, "var path = require('node:path');")], 5);
    const there = found.find((c) => c.path === 'examples/far/away.js' && c.proposal);
    assert.ok(there, JSON.stringify(found));
    assert.deepEqual(there.proposal, { lines: { start: 1, end: 1 }, newText: "var path = require('node:path');" });
  });

  it('the same added argument at another call', () => {
    const t = transformationOf('  save(doc, options);', '  save(doc, options, signal);');
    assert.ok(t);
    assert.equal(applyToLine(t, 'await save(draft, options);'), 'await save(draft, options, signal);');
    assert.equal(applyToLine(t, 'load(x);'), undefined, 'no anchor: nothing to repeat');
    assert.ok(repeats(t, 'x = save(a, options)', 'x = save(a, options, signal)'));
    assert.ok(!repeats(t, 'x = save(a, options)', 'x = save(a, options, other)'));
  });

  it('no transformation from edits that change lines differently', () => {
    assert.equal(transformationOf('a(x);\nb(y);', 'a(z);\nb(w);'), undefined);
    assert.equal(transformationOf('', 'added();'), undefined);
  });
});

describe('next edit: the ranker learns', () => {
  it('taken and ignored jumps move the weights and the order', () => {
    const text = ['function run() {', '  step(alpha);', '  other(alpha);', '  step(beta);', '}'].join('\n');
    const ws = new Workspace({ 'r.ts': text });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    const before = predictor.inspect() as { weights: Record<string, number>; examples: number };
    const ask = () => {
      ws.texts['r.ts'] = text;
      return predictor.predict([ws.edit('r.ts', 1, '  step(gamma);')], 5);
    };
    assert.equal(ask()[0]?.kind, 'repeat-pattern', 'at first the same change nearby comes first');
    // This user takes the other call of the same function and ignores the repeated change.
    for (let i = 0; i < 80; i++) for (const c of ask()) predictor.feedback(c, c.kind === 'call-site');
    const after = predictor.inspect() as { weights: Record<string, number>; examples: number };
    assert.equal(after.examples - before.examples, 160);
    assert.ok((after.weights['kind=call-site'] ?? 0) > (before.weights['kind=call-site'] ?? 0));
    assert.ok((after.weights['kind=repeat-pattern'] ?? 0) < (before.weights['kind=repeat-pattern'] ?? 0));
    assert.equal(ask()[0]?.kind, 'call-site');
  });
});

describe('next edit: what the code says about the changed file, for next-file suggestions', () => {
  it("gives the file's imports, the ones the user's edits added, its importers and the files holding the edited words", () => {
    const ws = new Workspace({
      'src/cart.ts': ["import { total } from './money';", '', 'export const cart = [];'].join('\n'),
      'src/money.ts': 'export const total = 0;\nexport function seasonalRate() { return 1; }',
      'src/checkout.ts': "import { cart } from './cart';\n",
      'src/unrelated.ts': 'export const x = 1;',
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    // indexing happens as predictions are made; one edit elsewhere fills the import and word index
    predictor.predict([ws.edit('src/unrelated.ts', 0, 'export const y = 1;')], 5);
    const edits = [
      ws.edit('src/cart.ts', 1, "import { shelf } from './stock';"),
      ws.edit('src/cart.ts', 2, 'export const cart = [seasonalRate()];'),
    ];
    const links = predictor.linksOf('src/cart.ts', edits);
    assert.deepEqual([...links.imports].sort(), ['money', 'stock']);
    assert.deepEqual([...links.added], ['stock']);
    assert.deepEqual([...links.importers], ['src/checkout.ts']);
    assert.deepEqual([...links.sharedWords.keys()], ['src/money.ts'], 'seasonalRate is defined there');
    assert.equal(predictor.linksOf('src/gone.ts', edits).imports.size, 0, 'a file that cannot be read links nothing');
  });
});

describe('next edit: bulk changes', () => {
  it('predicts nothing from an edit that replaced a file wholesale, and leaves it out of later evidence', () => {
    const ws = new Workspace({
      'src/gen.ts': ['const price = 1;', 'use(price);'].join('\n'),
      'src/a.ts': ['const total = amount * 2;', 'const other = amount * 2;'].join('\n'),
    });
    const predictor = new NextEditPredictor({ reader: ws.reader });
    // the same rename, once as a small edit and once inside a regenerated file
    const filler = '\n// generated'.repeat(8000);
    const bulk = ws.edit('src/gen.ts', 0, `const cost = 1;${filler}`);
    assert.deepEqual(predictor.predict([bulk], 5), [], 'a 104,000-character edit is not a user edit to learn from');
    const edit = ws.edit('src/a.ts', 0, 'const total = amount * 3;');
    const where = at(predictor.predict([bulk, edit], 5));
    assert.ok(where.includes('src/a.ts:1'), `the small edit after it still predicts: ${where.join()}`);
    assert.ok(!where.some((w) => w.startsWith('src/gen.ts')), `nothing from the bulk edit: ${where.join()}`);
    const small = new NextEditPredictor({
      reader: new Workspace({ 'src/gen.ts': 'const price = 1;\nuse(price);' }).reader,
    });
    const renamed = { ...bulk, newText: 'const cost = 1;', after: { start: 0, end: 0 } };
    assert.ok(small.predict([renamed], 5).length > 0, 'the same rename, small, is predicted from');
  });
});
