import * as assert from 'node:assert/strict';
import { evidenceOf, scanLines, searchFile, withSiblings } from '../../src/core/nextEdit/candidateSources';
import { FileIndex, IdentifierIndex } from '../../src/core/nextEdit/identifierIndex';
import { transformationOf } from '../../src/core/nextEdit/transformation';
import { WordSignatures } from '../../src/core/nextEdit/wordSignatures';
import type { UserEdit } from '../../src/core/nextEdit/types';

/** Every word's lines, as a plain object, for comparing two indexes. */
function postings(index: FileIndex): Record<string, readonly number[]> {
  return Object.fromEntries([...index.words()].sort().map((w) => [w, [...index.linesWith(w)]]));
}

/** A deterministic pseudo-random generator (so a failure is reproducible). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const WORDS = ['user', 'getUser', 'fetch', 'case', 'return', 'id', 'db', 'x1', '$el', 'options', '9lives', 'a_b'];

describe('next edit: the identifier index', () => {
  it('an update after edits gives the same lines and postings as a fresh index', () => {
    const rand = random(7);
    const pick = () => WORDS[Math.floor(rand() * WORDS.length)] as string;
    const line = () => Array.from({ length: Math.floor(rand() * 5) }, pick).join(rand() < 0.5 ? ' ' : '(');
    let lines = Array.from({ length: 200 }, line);
    const index = new FileIndex(lines.join('\n'));
    for (let step = 0; step < 300; step++) {
      // Replace, insert or delete a few lines somewhere, as typing, pasting or cutting would.
      const at = Math.floor(rand() * (lines.length + 1));
      const removed = Math.min(lines.length - at, Math.floor(rand() * 4));
      const added = Array.from({ length: Math.floor(rand() * 4) }, line);
      if (rand() < 0.3 && at < lines.length) added.push(`${lines[at]} ${pick()}`); // an edit inside a line
      lines = [...lines.slice(0, at), ...added, ...lines.slice(at + removed)];
      const text = lines.join('\n');
      index.update(text);
      const fresh = new FileIndex(text);
      assert.deepEqual(index.fileLines, fresh.fileLines, `lines after step ${step}`);
      assert.deepEqual(postings(index), postings(fresh), `postings after step ${step}`);
      assert.ok(index.lastReindexed <= added.length + 2, `only the changed lines are read again (step ${step})`);
    }
  });

  it('edits at the very beginning and end, and to an empty file', () => {
    const index = new FileIndex('');
    for (const text of ['a', 'a\nb', 'x a\nb', 'x a\nb\n', 'x a\nb\nc d', 'b\nc d', '', 'case x:\n  return y']) {
      index.update(text);
      const fresh = new FileIndex(text);
      assert.deepEqual(index.fileLines, fresh.fileLines, JSON.stringify(text));
      assert.deepEqual(postings(index), postings(fresh), JSON.stringify(text));
    }
  });

  it('the candidates found through an updated index equal those of a fresh index and of a full scan', () => {
    const before = [
      'import { getUser } from "./user";',
      'export function show(id: string) {',
      '  const user = getUser(id);',
      '  log(getUser(id).name);',
      '  switch (kind) {',
      "    case 'circle':",
      '      return 1;',
      '  }',
      '  return getUser(other);',
      '}',
    ];
    const index = new FileIndex(before.join('\n'));
    const after = [...before];
    after[2] = '  const user = fetchUser(id);';
    const text = after.join('\n');
    index.update(text);
    const edit: UserEdit = {
      path: 'a.ts',
      before: { start: 2, end: 2 },
      after: { start: 2, end: 2 },
      oldText: before[2] as string,
      newText: after[2] as string,
      time: 0,
    };
    const t = transformationOf(edit.oldText, edit.newText);
    const evidence = withSiblings(evidenceOf(edit, t ? [t] : []), after);
    const options = { skip: edit.after, maxLines: 8000 };
    const incremental = searchFile('a.ts', index, evidence, options);
    assert.deepEqual(incremental, searchFile('a.ts', new FileIndex(text), evidence, options));
    assert.deepEqual(incremental, scanLines('a.ts', after, evidence, options));
    assert.deepEqual(
      incremental.map((c) => [c.line, c.kind, c.proposal?.newText]),
      [
        [0, 'repeat-pattern', 'import { fetchUser } from "./user";'],
        [3, 'repeat-pattern', '  log(fetchUser(id).name);'],
        [8, 'repeat-pattern', '  return fetchUser(other);'],
      ],
    );
  });

  it('stays within its bounds, dropping the least recently used file', () => {
    const index = new IdentifierIndex({ files: 2, lines: 1000 });
    index.of('a', 'x\ny');
    index.of('b', 'z');
    index.of('a', 'x\ny\nw'); // a is now the most recent
    index.of('c', 'v');
    assert.equal(index.size, 2);
    assert.equal(index.lineCount, 4, 'a (3 lines) and c (1 line) are kept');
    const small = new IdentifierIndex({ files: 10, lines: 5 });
    small.of('a', 'a\nb\nc');
    small.of('b', 'a\nb\nc');
    assert.equal(small.size, 1);
    assert.equal(small.lineCount, 3);
  });
});

describe('next edit: word fingerprints of the workspace', () => {
  it('every file holding a word answers, files without it mostly do not, and added words join', () => {
    const signatures = new WordSignatures();
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`);
    for (let f = 0; f < 50; f++) signatures.set(`f${f}.ts`, words.filter((_, i) => i % 50 === f).join(' '));
    for (let i = 0; i < words.length; i++)
      assert.ok(signatures.filesWith(words[i] as string).includes(`f${i % 50}.ts`));
    const strangers = Array.from({ length: 200 }, (_, i) => signatures.filesWith(`absent${i}`).length);
    assert.ok(strangers.reduce((a, b) => a + b, 0) < 200 * 50 * 0.01, 'under 1% false answers');
    signatures.add('f3.ts', 'x = freshWord(1)');
    assert.ok(signatures.filesWith('freshWord').includes('f3.ts'));
    signatures.delete('f3.ts');
    assert.ok(!signatures.filesWith('freshWord').includes('f3.ts'));
  });
});
