import * as assert from 'node:assert/strict';
import { NgramCache, sortPositions } from '../../src/core/adapt/ngramCache';

/** Counting every n-gram in a map: slow and large, and plainly right. */
function followersByMap(tokens: Uint16Array, context: readonly number[], n: number): Map<number, number> {
  const next = new Map<number, number>();
  for (let p = 0; p + n < tokens.length; p++) {
    let same = true;
    for (let k = 0; k < n && same; k++) same = tokens[p + k] === context[context.length - n + k];
    if (same) next.set(tokens[p + n] as number, (next.get(tokens[p + n] as number) ?? 0) + 1);
  }
  return next;
}

/** A small-alphabet stream with repeats, so that long contexts match more than once. */
function stream(length: number, alphabet: number, seed: number): Uint16Array {
  let s = seed;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out = new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    // copy an earlier stretch now and then, as code repeats itself
    out[i] = i > 20 && rand() < 0.3 ? (out[i - 1 - Math.floor(rand() * 20)] as number) : Math.floor(rand() * alphabet);
  }
  return out;
}

describe('cache model: sorted positions', () => {
  it('sorts positions by their tokens, shorter (at the end) before longer', () => {
    const tokens = Uint16Array.from([3, 1, 2, 1, 2, 65535]);
    const sorted = Array.from(sortPositions(tokens, 3));
    const key = (p: number): number[] => Array.from(tokens.subarray(p, p + 3));
    const compare = (a: number[], b: number[]): number => {
      for (let k = 0; k < Math.min(a.length, b.length); k++)
        if (a[k] !== b[k]) return (a[k] as number) - (b[k] as number);
      return a.length - b.length;
    };
    for (let i = 1; i < sorted.length; i++)
      assert.ok(compare(key(sorted[i - 1] as number), key(sorted[i] as number)) <= 0, `${sorted.join(',')}`);
    assert.deepEqual(
      [...sorted].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5],
    );
  });

  it('counts the same followers as a map of every n-gram', () => {
    for (const [length, alphabet, seed] of [
      [2000, 4, 1],
      [5000, 30, 2],
      [300, 2, 3],
    ] as const) {
      const tokens = stream(length, alphabet, seed);
      const cache = new NgramCache(tokens);
      for (let q = 0; q < 60; q++) {
        const at = 10 + ((q * 7919) % (length - 10));
        // contexts from the stream (they match) and a changed one (it may not)
        const context = Array.from(tokens.subarray(at - 10, at));
        if (q % 5 === 0) context[context.length - 1] = (context[context.length - 1] as number) + 1;
        const predicted = cache.predict(context);
        // the oracle with the current context's own repeats added, longest order first
        let expected: { order: number; counts: Map<number, number> } | undefined;
        for (const n of [8, 6, 4, 3, 2]) {
          const counts = followersByMap(tokens, context, n);
          const own = followersByMap(Uint16Array.from(context), context, n);
          for (const [t, c] of own) counts.set(t, (counts.get(t) ?? 0) + c);
          if (counts.size > 0) {
            expected = { order: n, counts };
            break;
          }
        }
        if (!expected) {
          assert.equal(predicted, undefined);
          continue;
        }
        const total = [...expected.counts.values()].reduce((a, b) => a + b, 0);
        assert.equal(predicted?.order, expected.order);
        assert.equal(predicted?.matches, total);
        for (const [t, c] of expected.counts) assert.equal(predicted?.next.get(t), c / total);
        assert.equal(predicted?.next.size, expected.counts.size);
      }
    }
  });

  it('sorts a stream of a million tokens into four bytes a token and finds its long contexts', () => {
    const tokens = stream(1_000_000, 5000, 4);
    const cache = new NgramCache(tokens);
    assert.equal(cache.bytes, 6 * tokens.length);
    const p = cache.predict(Array.from(tokens.subarray(500_000, 500_009)));
    assert.equal(p?.order, 8);
    assert.ok((p?.next.get(tokens[500_009] as number) ?? 0) > 0);
  });

  it('counts what followed the context in the code near the cursor, each match as many times as asked', () => {
    const learned = new NgramCache(Uint16Array.from([1, 2, 3, 4, 5, 9]));
    const nearby = new NgramCache(Uint16Array.from([1, 2, 3, 4, 42, 0, 6, 7]));
    const context = [0, 0, 1, 2, 3, 4];
    assert.deepEqual([...(learned.predict(context)?.next ?? [])], [[5, 1]], 'the learned code alone');
    const once = learned.predict(context, nearby);
    assert.equal(once?.order, 4);
    assert.equal(once?.matches, 2);
    assert.equal(once?.next.get(42), 0.5);
    const thrice = learned.predict(context, nearby, 3);
    assert.equal(thrice?.matches, 4);
    assert.equal(thrice?.next.get(42), 0.75);
    assert.equal(thrice?.next.get(5), 0.25);
    // the context's own repeats are near the cursor too
    assert.equal(learned.predict([6, 7, 8, 6, 7], undefined, 3)?.next.get(8), 1);
    assert.equal(learned.predict([6, 7, 8, 6, 7], undefined, 3)?.matches, 3);
  });
});
