import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeAdapter, encodeAdapter } from '../../src/core/adapt/adapterFile';
import { KnnKeysBuilder, KnnStore, DEFAULT_KNN } from '../../src/core/adapt/knnStore';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { KnnProcessor, personalModelOf } from '../../src/core/adapt/personalModel';

const D = 4;
const vec = (...xs: number[]) => Float32Array.from(xs);

/** tokens 7 9 | 7 5 | 7 6: after token 7 came 9 (state e0), 5 (state e1) and 6 (state near e0). */
function store(options = DEFAULT_KNN): KnnStore {
  const tokens = Uint16Array.from([7, 9, 7, 5, 7, 6]);
  const keys = new KnnKeysBuilder(D);
  keys.add(vec(3, 0, 0, 0), 0, 0);
  keys.add(vec(0, 2, 0, 0), 0, 2);
  keys.add(vec(1, 0.3, 0, 0), 0, 4);
  return new KnnStore(D, keys.build(), tokens, options);
}

describe('nearest-neighbour store', () => {
  it('votes with the positions whose state is nearly the current one, after the same token', () => {
    const p = store().predict([1, 7], vec(5, 0, 0, 0), 0);
    assert.ok(p, 'a near neighbour speaks');
    assert.ok(p.best > 0.99);
    assert.ok((p.next.get(5) ?? 0) < 1e-6, 'the far state (token 5) has next to no say');
    assert.ok(Math.abs([...p.next.values()].reduce((a, b) => a + b) - 1) < 1e-9);
    assert.ok((p.next.get(9) ?? 0) > (p.next.get(6) ?? 0), 'the nearest state weighs most');
  });
  it('stays silent for a state unlike any stored one, or after a token never seen', () => {
    assert.equal(store().predict([7], vec(0, 0, 1, 0), 0), undefined);
    assert.equal(store().predict([8], vec(3, 0, 0, 0), 0), undefined);
    assert.equal(store().predict([], vec(3, 0, 0, 0), 0), undefined);
  });
  it('compares only the first rows of a bucket (the newest code) when it is capped', () => {
    const p = store({ ...DEFAULT_KNN, perBucket: 2, minSimilarity: 0 }).predict([7], vec(1, 0.05, 0, 0), 0);
    assert.deepEqual([...(p?.next.keys() ?? [])].sort(), [5, 9], 'the third row (token 6) is beyond the cap');
  });
  it('stores only the rows a capped lookup compares, and predicts exactly as the whole store', () => {
    // after token 7: states at positions 0, 2, 4, 6; after token 8: position 8; position 9 has no next token
    const tokens = Uint16Array.from([7, 9, 7, 5, 7, 6, 7, 4, 8, 7]);
    const keys = new KnnKeysBuilder(D);
    for (const [x, y, at] of [
      [3, 0, 6],
      [0, 2, 2],
      [1, 0.3, 4],
      [2, 0.1, 0],
      [1, 1, 8],
      [1, 0, 9],
    ] as const)
      keys.add(vec(x, y, 0, 0), 0, at);
    const options = { ...DEFAULT_KNN, perBucket: 2, minSimilarity: 0 };
    const pruned = keys.build(tokens, 2);
    assert.deepEqual(Array.from(pruned.at), [0, 2, 8], 'the two newest after 7, the one after 8');
    const whole = new KnnStore(D, keys.build(), tokens, options);
    const kept = new KnnStore(D, pruned, tokens, options);
    for (const query of [vec(1, 0, 0, 0), vec(0, 1, 0, 0), vec(1, 1, 0, 0)]) {
      for (const context of [[7], [8]])
        assert.deepEqual(kept.predict(context, query, 0), whole.predict(context, query, 0));
    }
  });
  it('orders rows by stream position whatever order they were added in', () => {
    const keys = new KnnKeysBuilder(D);
    keys.add(vec(0, 1, 0, 0), 0, 2);
    keys.add(vec(1, 0, 0, 0), 0, 0);
    const built = keys.build();
    assert.deepEqual(Array.from(built.at), [0, 2]);
    assert.deepEqual(Array.from(built.keys.subarray(0, D)), [127, 0, 0, 0]);
  });
  it('keeps every row when it grows past its first buffer', () => {
    const keys = new KnnKeysBuilder(D);
    const n = 3000;
    for (let p = n - 1; p >= 0; p--) keys.add(vec(p % 7, 1, 0, 0), 0, p);
    const built = keys.build();
    assert.equal(built.at.length, n);
    assert.equal(built.keys.length, n * D);
    for (const p of [0, 1, 1023, 1024, 2999]) {
      const row = Array.from(built.keys.subarray(p * D, (p + 1) * D));
      const norm = Math.hypot(p % 7, 1);
      assert.deepEqual(row, [Math.round((127 * (p % 7)) / norm), Math.round(127 / norm), 0, 0], `row ${p}`);
      assert.equal(built.at[p], p);
    }
  });

  it("shifts the personal model towards the neighbours, by the store's weight", () => {
    const logits = new Float32Array(10);
    const out = new KnnProcessor(store()).process(logits, { context: [7], hidden: vec(5, 0, 0, 0), hiddenOffset: 0 });
    // the scores are log-probabilities up to a constant
    const e = Array.from(out, Math.exp);
    const p = e.map((x) => x / e.reduce((a, b) => a + b));
    const w = DEFAULT_KNN.weight;
    assert.ok(
      Math.abs((p[9] ?? 0) + (p[6] ?? 0) + (p[5] ?? 0) - (w + (1 - w) * 0.3)) < 1e-5,
      'the neighbours get their weight',
    );
    assert.ok((p[9] ?? 0) > (p[6] ?? 0));
    assert.ok(
      Math.abs((p[0] ?? 0) - (1 - DEFAULT_KNN.weight) / 10) < 1e-5,
      'other tokens keep their share of the rest',
    );
  });
  it('travels in the personal model file and comes back as the same store', () => {
    const keys = new KnnKeysBuilder(D);
    keys.add(vec(3, 0, 0, 0), 0, 0);
    const adapter = new LowRankAdapter({ hidden: D, rank: 2, vocab: 10 });
    const contents = { modelId: 'm', adapter, tokens: Uint16Array.from([7, 9]), knn: keys.build(), meta: {} };
    const back = decodeAdapter(encodeAdapter(contents), 'm');
    assert.deepEqual(Array.from(back.knn?.at ?? []), [0]);
    assert.deepEqual(Array.from(back.knn?.keys ?? []), [127, 0, 0, 0]);
    assert.equal(
      personalModelOf(back)
        .knn?.predict([7], vec(1, 0, 0, 0), 0)
        ?.next.get(9),
      1,
    );
  });
  it('reads a file written before the store existed (format 1) and refuses positions outside its tokens', () => {
    const adapter = new LowRankAdapter({ hidden: D, rank: 2, vocab: 10 });
    const plain = encodeAdapter({ modelId: 'm', adapter, tokens: Uint16Array.from([7, 9]), meta: {} });
    const old = asFormat1(plain);
    assert.equal(old.readUInt32LE(8), 1);
    const back = decodeAdapter(old, 'm');
    assert.deepEqual(Array.from(back.tokens), [7, 9]);
    assert.equal(back.knn, undefined);
    assert.equal(personalModelOf(back).knn, undefined);
    const bad = { at: Int32Array.from([1]), keys: new Int8Array(D) };
    assert.throws(
      () =>
        decodeAdapter(encodeAdapter({ modelId: 'm', adapter, tokens: Uint16Array.from([7, 9]), knn: bad, meta: {} })),
      /neighbour store/,
    );
  });
});

/** The same file as format 1 wrote it: version 1, no store count in the header, no store. */
function asFormat1(v2: Buffer): Buffer {
  const jsonLength = v2.readUInt32LE(12);
  const header = JSON.parse(v2.subarray(16, 16 + jsonLength).toString('utf8')) as Record<string, unknown>;
  assert.equal(header['knn'], 0);
  delete header['knn'];
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(1, 0);
  fixed.writeUInt32LE(json.length, 4);
  const body = Buffer.concat([v2.subarray(0, 8), fixed, json, v2.subarray(16 + jsonLength, v2.length - 32)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}
