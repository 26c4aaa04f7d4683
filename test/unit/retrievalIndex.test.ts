import * as assert from 'node:assert/strict';
import { Bm25 } from '../../src/core/retrieval/bm25';
import { codeTerms, codeWindows } from '../../src/core/retrieval/codeWindows';
import { RetrievalIndex } from '../../src/core/retrieval/retrievalIndex';
import { linesAbove, RetrievalSnippets } from '../../src/core/retrieval/retrievalSnippets';
import type { Tokenizer } from '../../src/core/model/tokenizer';
import { secretCorpus } from './fixtures/secretCorpus';

/** A file of `lines` lines, each naming `name` and its number: every window says whose it is. */
function fileOf(name: string, lines = 24): string {
  return Array.from({ length: lines }, (_, i) => `const ${name}Item${i} = ${name}Base.part(${i});`).join('\n') + '\n';
}

describe('retrieval over the workspace (BM25)', () => {
  it('ranks the window that shares the rare names of the lines above the cursor first, with the lines after it', () => {
    const index = new RetrievalIndex();
    index.add('/w/a.ts', fileOf('alpha'), 1);
    index.add(
      '/w/b.ts',
      'import { x } from "y";\n\nfunction parseRetryAfter(header) {\n  const seconds = Number(header);\n  return seconds * 1000;\n}\n\nexport default parseRetryAfter;\n',
      2,
    );
    index.add('/w/c.ts', fileOf('gamma'), 3);
    const found = index.best('const wait = parseRetryAfter(response.headers.get("Retry-After"));', '/w/d.ts');
    assert.equal(found?.path, '/w/b.ts');
    assert.match(found?.text ?? '', /^import \{ x \}[\s\S]*export default parseRetryAfter;\n$/);
  });

  it('never lends the file being completed its own text', () => {
    const index = new RetrievalIndex();
    index.add('/w/a.ts', fileOf('alpha'), 1);
    index.add('/w/b.ts', fileOf('beta'), 2);
    assert.equal(index.best('alphaBase alphaItem3', '/w/a.ts')?.path, undefined);
    assert.equal(index.best('alphaBase alphaItem3 betaBase', '/w/a.ts')?.path, '/w/b.ts');
  });

  it('lists the k best windows best first, as best() ranks them, never from the file being completed', () => {
    const index = new RetrievalIndex();
    index.add('/w/a.ts', fileOf('alpha'), 1);
    index.add('/w/b.ts', fileOf('beta'), 2);
    index.add('/w/c.ts', fileOf('gamma'), 3);
    const query = 'alphaBase alphaItem3 betaBase';
    const top = index.top(query, '/w/x.ts', 3);
    assert.equal(top.length, 3);
    assert.deepEqual(top[0], index.best(query, '/w/x.ts'));
    for (let i = 1; i < top.length; i++) assert.ok((top[i - 1]?.score ?? 0) >= (top[i]?.score ?? 0));
    assert.ok(
      top.every((w) => w.path !== '/w/c.ts'),
      'gamma shares no term',
    );
    assert.ok(index.top(query, '/w/a.ts', 5).every((w) => w.path === '/w/b.ts'));
    assert.deepEqual(index.top('nothingShared', '/w/x.ts', 4), []);
  });

  it('hands the cache the k best windows as tokens, asked afresh once the index changed', () => {
    const index = new RetrievalIndex();
    index.add('/w/a.ts', fileOf('alpha'), 1);
    const tokenizer = { encode: (text: string): number[] => [text.length] };
    const snippets = new RetrievalSnippets(index, tokenizer as unknown as Tokenizer, 0);
    const prefix = 'const x = alphaBase.part(1) + betaBase.part(2);\nconst y = ';
    const first = snippets.related(prefix, '/w/x.ts', 2);
    assert.equal(first.filter((t) => t === 0).length, 2, 'two windows, each after a separator');
    assert.equal(snippets.related(prefix, '/w/x.ts', 2), first, 'the same line: answered from memory');
    index.add('/w/b.ts', fileOf('beta'), 2);
    assert.notDeepEqual(snippets.related(prefix, '/w/x.ts', 2), first, 'a new file may hold better windows');
    assert.deepEqual(snippets.related('one line, nothing above', '/w/x.ts', 2), []);
  });

  it('ranks the same k documents as a full sort of the scores', () => {
    const bm25 = new Bm25();
    const words = ['red', 'green', 'blue', 'cyan', 'plum', 'gold'];
    for (let d = 0; d < 60; d++)
      bm25.add(Array.from({ length: 3 + (d % 7) }, (_, i) => words[(d * 7 + i * i) % 6] as string));
    const query = ['red', 'plum', 'gold'];
    const all = bm25.top(query, () => true, 1000);
    const sorted = [...all].sort((a, b) => b.score - a.score || a.id - b.id);
    assert.deepEqual(all, sorted);
    assert.deepEqual(
      bm25.top(query, () => true, 5),
      sorted.slice(0, 5),
    );
    const odd = (id: number): boolean => id % 2 === 1;
    assert.deepEqual(bm25.top(query, odd, 4), sorted.filter((f) => odd(f.id)).slice(0, 4));
    assert.deepEqual(
      bm25.top(query, odd, 1)[0],
      sorted.find((f) => odd(f.id)),
    );
  });

  it('forgets a deleted file, and every file of a deleted folder', () => {
    const index = new RetrievalIndex();
    index.add('/w/src/a.ts', fileOf('alpha'), 1);
    index.add('/w/src/sub/b.ts', fileOf('beta'), 2);
    index.add('/w/srcx/c.ts', fileOf('gamma'), 3);
    index.remove('/w/src/a.ts');
    assert.equal(index.best('alphaBase', '/w/x.ts'), undefined);
    index.remove('/w/src');
    assert.equal(index.best('betaBase', '/w/x.ts'), undefined);
    assert.equal(index.best('gammaBase', '/w/x.ts')?.path, '/w/srcx/c.ts');
    assert.deepEqual(index.paths, ['/w/srcx/c.ts']);
  });

  it('indexes a saved file again with its new text', () => {
    const index = new RetrievalIndex();
    index.add('/w/a.ts', fileOf('alpha'), 1);
    index.add('/w/a.ts', fileOf('delta'), 2);
    assert.equal(index.best('alphaBase', '/w/x.ts'), undefined);
    assert.equal(index.best('deltaBase', '/w/x.ts')?.path, '/w/a.ts');
    assert.equal(index.fileCount, 1);
  });

  it('never indexes a window that holds a detected secret or a declared one', () => {
    const planted = secretCorpus().filter((p) => p.context === 'code');
    assert.ok(planted.length >= 5);
    for (const p of planted) {
      const index = new RetrievalIndex();
      const text = `${fileOf('before', 12)}${p.text}\n${fileOf('after', 20)}`;
      index.add('/w/config.ts', text, 1);
      const found = index.best(`${p.leadUp}\nbeforeBase afterBase`, '/w/x.ts');
      assert.ok(found, `${p.kind}: the windows away from the secret are still found`);
      assert.ok(!found.text.includes(p.secret), `${p.kind}: its window was indexed`);
      for (const query of [p.leadUp, 'beforeItem11 afterItem0', p.text]) {
        assert.ok(!index.best(query, '/w/x.ts')?.text.includes(p.secret), `${p.kind} lent for ${query}`);
      }
    }
    const index = new RetrievalIndex();
    index.add('/w/a.ts', `${fileOf('alpha', 8)}const region = "eu-fictional-4";\n`, 1, ['eu-fictional-4']);
    assert.equal(index.best('alphaItem3 region', '/w/x.ts'), undefined);
  });

  it('stays within its window bound, dropping the least recently modified files', () => {
    const index = new RetrievalIndex({ maxWindows: 20, maxChars: 1e9 });
    // 24 lines: windows start every 4 lines, the last at line 16 -> 5 windows a file
    for (let i = 0; i < 4; i++) assert.equal(index.add(`/w/f${i}.ts`, fileOf(`f${i}x`), 10 + i), 'added');
    assert.equal(index.windowCount, 20);
    // older than all of them and no room: refused, and nothing else is lost
    assert.equal(index.add('/w/old.ts', fileOf('old'), 1), 'full');
    assert.deepEqual(index.paths.sort(), ['/w/f0.ts', '/w/f1.ts', '/w/f2.ts', '/w/f3.ts']);
    // newer: the oldest goes
    assert.equal(index.add('/w/new.ts', fileOf('new'), 100), 'added');
    assert.equal(index.windowCount, 20);
    assert.ok(!index.has('/w/f0.ts'));
    assert.equal(index.best('f0xBase', '/w/x.ts'), undefined);
    assert.equal(index.best('newBase', '/w/x.ts')?.path, '/w/new.ts');
  });

  it('stays within its character bound', () => {
    const size = fileOf('a0').length;
    const index = new RetrievalIndex({ maxWindows: 1e9, maxChars: size * 3 + 10 });
    for (let i = 0; i < 6; i++) index.add(`/w/a${i}.ts`, fileOf(`a${i}`), i);
    assert.ok(index.charCount <= size * 3 + 10);
    assert.deepEqual(index.paths.sort(), ['/w/a3.ts', '/w/a4.ts', '/w/a5.ts']);
  });

  it('cuts files into overlapping windows of whole lines and searches identifiers only', () => {
    const text = fileOf('w', 10);
    const windows = codeWindows(text, [], { windowLines: 4, strideLines: 2, followLines: 2 });
    assert.deepEqual(
      windows.map((w) => text.slice(w.from, w.searchEnd).split('\n').length - 1),
      [4, 4, 4, 4],
    );
    assert.ok(windows.every((w) => text.slice(w.from, w.to).endsWith('\n')));
    assert.deepEqual(codeTerms('fooBar(x, "Baz") + 1;'), ['foobar', 'baz']);
    assert.equal(linesAbove('a\nb\nc\nd\nnow typ', 2), 'c\nd');
    assert.equal(linesAbove('no line above yet', 2), '');
  });

  it('scores as BM25 does from scratch after any mix of additions and removals', () => {
    // seeded draws: documents of words from a small vocabulary, so that postings are long and shared
    let seed = 11;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const doc = (): string[] => Array.from({ length: 3 + next(12) }, () => `w${next(30)}`);
    const bm25 = new Bm25();
    const live = new Map<number, string[]>();
    for (let step = 0; step < 400; step++) {
      if (live.size > 0 && next(3) === 0) {
        const ids = [...live.keys()];
        const id = ids[next(ids.length)] as number;
        bm25.remove(id);
        live.delete(id);
      } else {
        const terms = doc();
        live.set(bm25.add(terms), terms);
      }
      const query = doc();
      const expected = bruteForce(live, query);
      const got = bm25.top(query, () => true, 1)[0];
      // the best document, or one tied with it up to rounding (sums taken in another order)
      assert.equal(got === undefined, expected === undefined, `step ${step}`);
      if (got && expected) {
        assert.ok(Math.abs(got.score - expected.score) < 1e-9, `step ${step}`);
        assert.ok(Math.abs((scoreOf(live, query, got.id) ?? -1) - expected.score) < 1e-9, `step ${step}`);
      }
    }
    assert.equal(bm25.size, live.size);
  });
});

/** BM25 (k1 1.2, b 0.75, Lucene's idf) of one document, computed from the documents themselves. */
function scoreOf(docs: Map<number, string[]>, query: string[], id: number): number | undefined {
  const terms = docs.get(id);
  if (!terms) return undefined;
  const n = docs.size;
  const avg = [...docs.values()].reduce((sum, d) => sum + d.length, 0) / n;
  let score = 0;
  for (const q of new Set(query)) {
    const tf = terms.filter((t) => t === q).length;
    if (tf === 0) continue;
    const df = [...docs.values()].filter((d) => d.includes(q)).length;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    score += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * terms.length) / avg));
  }
  return score;
}

function bruteForce(docs: Map<number, string[]>, query: string[]): { id: number; score: number } | undefined {
  let best: { id: number; score: number } | undefined;
  for (const id of docs.keys()) {
    const score = scoreOf(docs, query, id) ?? 0;
    if (score > 0 && (!best || score > best.score)) best = { id, score };
  }
  return best;
}
