import * as assert from 'node:assert/strict';
import { SnippetIndex } from '../../src/core/complete/snippetIndex';
import { tokenWindow } from '../../src/core/complete/context';
import { RecentFiles } from '../../src/core/complete/recentFiles';
import { bestMatch, withSnippet } from '../../src/core/complete/snippets';
import type { Tokenizer } from '../../src/core/model/tokenizer';

// token ids: 0 separates documents, 1 ends a line, 2 is white space, the rest are code
const SEP = 0;
const NL = 1;
const SPACE = 2;
const isNewline = (t: number): boolean => t === NL;
const isBlank = (t: number): boolean => t === SPACE;

/** Documents of lines of tokens -> the learned stream. */
function stream(docs: number[][][]): number[] {
  return docs.flatMap((lines) => [SEP, ...lines.flatMap((l) => [...l, NL])]);
}

const docA = [
  [10, 11, 12],
  [13, 14],
  [15, 16, 17],
  [18, 19],
];
const docB = [
  [30, 31],
  [32, 2, 33],
  [34, 35, 36],
  [37, 38],
];

describe("snippets from the user's code", () => {
  const index = new SnippetIndex(stream([docA, docB]), SEP, isNewline, isBlank, {
    windowLines: 2,
    strideLines: 1,
    followLines: 1,
    minSimilarity: 0.3,
  });

  it('finds the window that shares most of the lines above the cursor, with the line after it', () => {
    // lines above the cursor look like docB's lines 2-3; the cursor's own line is "34 9"
    const snippet = index.match([50, NL, 32, 33, NL, 34, 35, 36, NL, 34, 9])?.ids;
    assert.deepEqual(snippet, [32, SPACE, 33, NL, 34, 35, 36, NL, 37, 38, NL]);
  });

  it("queries only complete lines, so typing on the cursor's line keeps the snippet", () => {
    const before = index.match([13, 14, NL, 15, 16, 17, NL, 60])?.ids;
    const after = index.match([13, 14, NL, 15, 16, 17, NL, 60, 61, 30, 31])?.ids;
    assert.deepEqual(after, before);
    assert.deepEqual(before, [13, 14, NL, 15, 16, 17, NL, 18, 19, NL]);
  });

  it('offers nothing when nothing is similar enough', () => {
    assert.equal(index.match([70, 71, 72, 10, NL, 73]), undefined);
    assert.equal(index.match([10, 11]), undefined); // no complete line yet
  });

  it('caps the snippet at its token budget, at the end of a line', () => {
    const short = new SnippetIndex(stream([docA]), SEP, isNewline, isBlank, {
      windowLines: 4,
      maxTokens: 6,
      minSimilarity: 0.1,
    });
    assert.deepEqual(short.match([10, 11, 12, NL, 13])?.ids, [10, 11, 12, NL]);
  });

  it("never ends a snippet inside a line (a file's unfinished last line is left out)", () => {
    // the file ends mid-line, as a file being written does
    const open = new SnippetIndex([SEP, 40, 41, NL, 42, 43], SEP, isNewline, isBlank, { minSimilarity: 0.1 });
    assert.deepEqual(open.match([40, 41, NL, 42])?.ids, [40, 41, NL]);
  });
});

describe('prompt with a snippet', () => {
  const file = Array.from({ length: 40 }, (_, i) => 100 + i);

  it('puts the snippet first as its own document and keeps the whole prompt in budget', () => {
    const ids = withSnippet(file, [7, 8, 9], SEP, 30, (x, max) => tokenWindow(x, max, 4));
    assert.ok(ids.length <= 30, `${ids.length} tokens`);
    assert.deepEqual(ids.slice(0, 5), [SEP, 7, 8, 9, SEP]);
    assert.equal(ids[ids.length - 1], 139); // the cursor's end of the file is kept
  });

  it('does not separate twice when the file starts at its top', () => {
    const ids = withSnippet([SEP, 5, 6], [7], SEP, 30, (x, max) => tokenWindow(x, max));
    assert.deepEqual(ids, [SEP, 7, SEP, 5, 6]);
  });

  it('is the plain file window without a snippet', () => {
    assert.deepEqual(
      withSnippet(file, undefined, SEP, 30, (x, max) => tokenWindow(x, max, 4)),
      tokenWindow(file, 30, 4),
    );
  });
});

describe('snippets from files worked in lately', () => {
  // one token per character; NUL separates documents
  const chars: Tokenizer = {
    vocabText: Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)),
    encode: (text) => Array.from(text, (c) => c.charCodeAt(0)),
    decode: (ids) => String.fromCharCode(...ids),
  };
  const prompt = (text: string): number[] => chars.encode(text);
  const client = 'const client = createClient(url);\nconst reply = await client.get(path);\nreturn reply.json();\n';

  it("lends another file's lines to the file being completed, never its own", () => {
    const recent = new RecentFiles(chars, 0);
    recent.note('/w/a.ts', client);
    const here = prompt('const client = createClient(url);\nconst r');
    assert.equal(chars.decode(recent.match(here, '/w/b.ts')?.ids ?? []).startsWith('const client'), true);
    assert.equal(recent.match(here, '/w/a.ts'), undefined);
  });

  it('keeps the latest files only, and skips files too large to be code someone wrote', () => {
    const recent = new RecentFiles(chars, 0, 2);
    recent.note('/w/1.ts', client);
    recent.note('/w/2.ts', 'let x = 1;\n');
    recent.note('/w/1.ts', client); // worked in again: newest
    recent.note('/w/3.ts', 'let y = 2;\n');
    assert.deepEqual(recent.paths, ['/w/1.ts', '/w/3.ts']);
    recent.note('/w/big.js', 'x'.repeat(300_000));
    assert.deepEqual(recent.paths, ['/w/1.ts', '/w/3.ts']);
  });

  it("lends the head of the latest file of the same kind to a file's first line, where nothing above says its language", () => {
    const recent = new RecentFiles(chars, 0);
    const python = 'import os\nimport sys\n\ndef main():\n    pass\n';
    recent.note('/w/tool.py', python);
    recent.note('/w/old.py', 'import json\n');
    recent.note('/w/app.ts', client);
    const head = recent.match(prompt('imp'), '/w/new.py');
    assert.equal(chars.decode(head?.ids ?? []), 'import json\n', 'the latest Python file, not the TypeScript one');
    assert.equal(recent.match(prompt('imp'), '/w/new.rs'), undefined, 'no file of its kind: nothing');
    assert.equal(
      recent.match(prompt('x = 1\nimp'), '/w/new.py'),
      undefined,
      'below a complete line the similarity search decides',
    );
  });

  it('forgets a deleted file, and every file of a deleted folder', () => {
    const recent = new RecentFiles(chars, 0);
    for (const f of ['/w/a.ts', '/w/lib/b.ts', '/w/lib/sub/c.ts', '/w/library.ts']) recent.note(f, client);
    recent.note('/w/a.ts', '');
    assert.deepEqual(recent.paths, ['/w/lib/b.ts', '/w/lib/sub/c.ts', '/w/library.ts']);
    recent.note('/w/lib', '');
    assert.deepEqual(recent.paths, ['/w/library.ts'], 'a sibling whose name starts the same stays');
    recent.note('C:\\w\\x.ts', client);
    recent.note('C:\\w', '');
    assert.deepEqual(recent.paths, ['/w/library.ts']);
  });

  it('prefers the more similar of two sources', () => {
    const a = { ids: [1], similarity: 0.3 };
    const b = { ids: [2], similarity: 0.6 };
    assert.equal(bestMatch([a, undefined, b]), b);
    assert.equal(bestMatch([undefined]), undefined);
  });
});
