import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { KnnKeysBuilder, KnnStore, DEFAULT_KNN } from '../../src/core/adapt/knnStore';
import { BoundedScan, Int8Rows, LogSumExp, vectorKernelsAvailable } from '../../src/core/base/vectorKernels';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { AdapterProcessor } from '../../src/core/adapt/personalModel';
import { VECTOR_KERNELS_WASM } from '../../src/core/base/vectorKernelsWasm';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assemble, moduleText } = require('../scripts/build-kernels.js') as {
  assemble(): Promise<Buffer>;
  moduleText(bytes: Buffer): string;
};

/** A fixed sequence of numbers in [0, 1). */
function random(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

function plainLogSumExp(x: Float32Array): number {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  for (const v of x) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

describe('vector kernels (WebAssembly SIMD)', () => {
  it('are the bytes vectorKernels.wat assembles to', async () => {
    const bytes = await assemble();
    assert.deepEqual([...VECTOR_KERNELS_WASM], [...bytes]);
    const file = readFileSync(path.join(__dirname, '../../src/core/base/vectorKernelsWasm.ts'), 'utf8');
    assert.equal(file, moduleText(bytes), 'vectorKernelsWasm.ts is as npm run build:kernels writes it');
  });

  it('run on this Node', () => {
    assert.equal(vectorKernelsAvailable(), true);
  });

  it('log-sum-exp agrees with the plain loop, for any length and spread', () => {
    const next = random(1);
    for (const [length, spread, shift] of [
      [16_384, 20, 0],
      [16_384, 60, -300],
      [7, 5, 40],
      [1, 1, 3],
      [1_001, 0, 2],
    ] as const) {
      const kernel = LogSumExp.create(length);
      assert.ok(kernel);
      const x = Float32Array.from({ length }, () => shift + spread * (next() - 0.5));
      const want = plainLogSumExp(x);
      assert.ok(
        Math.abs(kernel.of(x) - want) < 1e-5 * Math.max(1, Math.abs(want)),
        `length ${length}, spread ${spread}`,
      );
      // what the row held before is no part of the next one
      const y = Float32Array.from({ length }, () => -next());
      assert.ok(Math.abs(kernel.of(y) - plainLogSumExp(y)) < 1e-5);
    }
  });

  it('log-sum-exp ignores tokens scored -Infinity (token healing leaves none, but a blend may)', () => {
    const kernel = LogSumExp.create(8);
    const x = Float32Array.from([0, -Infinity, 1, -Infinity, 2, 3, -Infinity, 4]);
    assert.ok(kernel && Math.abs(kernel.of(x) - plainLogSumExp(x)) < 1e-6);
    assert.throws(() => kernel.of(new Float32Array(9)), /scores of 9/);
  });

  it('int8 dot products agree with float ones over the listed rows', () => {
    const next = random(2);
    const d = 384;
    const rows = 300;
    const keys = Int8Array.from({ length: rows * d }, () => Math.round(254 * next() - 127));
    const lists = Int32Array.from({ length: 500 }, () => Math.floor(next() * rows));
    const store = Int8Rows.create(keys, d, lists, 200);
    assert.ok(store);
    const h = Float32Array.from({ length: 2 * d }, () => next() - 0.5);
    for (const [offset, from, n] of [
      [0, 0, 200],
      [d, 300, 200],
      [d, 499, 1],
    ] as const) {
      const got = store.dots(h, offset, from, n, new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const row = lists[from + i] as number;
        let want = 0;
        let size = 0;
        for (let j = 0; j < d; j++) {
          want += (h[offset + j] as number) * (keys[row * d + j] as number);
          size += Math.abs((h[offset + j] as number) * (keys[row * d + j] as number));
        }
        assert.ok(Math.abs((got[i] as number) - want) < 1e-4 * size, `row ${row}: ${got[i]} against ${want}`);
      }
    }
    assert.throws(() => store.dots(h, 0, 0, 201, new Float64Array(201)), /at most 200/);
  });

  it('leave sizes they do not suit to the plain loops', () => {
    assert.equal(Int8Rows.create(new Int8Array(8), 4, new Int32Array(2), 2), undefined);
    assert.equal(LogSumExp.create(0), undefined);
  });

  it('give the neighbour store the votes of its plain loop', () => {
    const next = random(3);
    const d = 32;
    const n = 2_000;
    // a small vocabulary so that buckets fill; states in a few clusters so that neighbours speak
    const tokens = Uint16Array.from({ length: n + 1 }, () => Math.floor(next() * 5));
    const centres = Array.from({ length: 4 }, () => Float32Array.from({ length: d }, () => next() - 0.5));
    const state = (c: number): Float32Array => (centres[c] as Float32Array).map((v) => v + 0.02 * (next() - 0.5));
    const builder = new KnnKeysBuilder(d);
    for (let p = 0; p < n; p++) builder.add(state(p % 4), 0, p);
    const options = { ...DEFAULT_KNN, perBucket: 64 };
    const keys = builder.build(tokens, options.perBucket);
    const simd = new KnnStore(d, keys, tokens, options);
    const plain = new KnnStore(d, keys, tokens, options, false);
    let spoke = 0;
    for (let q = 0; q < 40; q++) {
      const context = [Math.floor(next() * 5)];
      const h = state(q % 4);
      const a = simd.predict(context, h, 0);
      const b = plain.predict(context, h, 0);
      assert.equal(a === undefined, b === undefined);
      if (!a || !b) continue;
      spoke++;
      assert.ok(Math.abs(a.best - b.best) < 1e-4);
      for (const [t, p] of b.next) assert.ok(Math.abs((a.next.get(t) ?? 0) - p) < 1e-3, `token ${t}`);
    }
    assert.ok(spoke > 20, `the neighbours spoke ${spoke} times of 40`);
  });

  it('find the first of the best scores, and the tokens that reach a floor with their bound', () => {
    const bound = Float32Array.from([0, 1, 2, 0, 5, 0, 0]);
    const scan = BoundedScan.create(bound, 3);
    assert.ok(scan);
    assert.equal(scan.load(Float32Array.from([1, 4, 2, 4, 0, 3, 4])), 1, 'the first of three equal best');
    // score + 0.5·bound: 1, 4.5, 3, 4, 2.5, 3, 4
    assert.deepEqual(Array.from(scan.reaching(0.5, 4) ?? []), [1, 3, 6]);
    assert.equal(scan.reaching(0.5, 3), undefined, 'five reach 3: more than the limit');
    assert.deepEqual(Array.from(scan.reaching(0.5, 100) ?? [-1]), []);
    assert.equal(scan.load(Float32Array.from([NaN, NaN, NaN, NaN, NaN, NaN, 2])), 6, 'NaN never comes first');
    assert.throws(() => scan.load(new Float32Array(8)), /scores of 8/);
  });

  it('add weighted rows to the loaded scores', () => {
    const rows = Float32Array.from([1, 2, 3, 4, 5, 10, 20, 30, 40, 50]);
    const scan = BoundedScan.create(new Float32Array(5), 1, rows);
    assert.ok(scan);
    scan.load(Float32Array.from([0, 1, 0, 1, 0]));
    const out = new Float32Array(5);
    scan.addRows([2, 0.5], out);
    assert.deepEqual(Array.from(out), [7, 15, 21, 29, 35]);
    assert.throws(() => scan.addRows([1], out), /1 weights for 2 rows/);
    assert.equal(BoundedScan.create(new Float32Array(5), 1, new Float32Array(7)), undefined, 'rows of another length');
  });

  it('give the adapter the update of its plain loops, token healing included', () => {
    const next = random(4);
    const [H, V] = [16, 4_000];
    for (let trial = 0; trial < 30; trial++) {
      const adapter = new LowRankAdapter({ hidden: H, rank: 4, vocab: V, alpha: 4 }, undefined, trial + 1);
      for (let i = 0; i < adapter.b.length; i++) adapter.b[i] = (next() - 0.5) * (trial % 3 === 0 ? 4 : 0.1);
      const hidden = Float32Array.from({ length: H }, () => 6 * (next() - 0.5));
      const raw = Float32Array.from({ length: V }, () => 16 * (next() - 0.5));
      const allowed = trial % 2 ? Int32Array.from({ length: 30 }, (_, i) => (i * 131 + trial) % V) : undefined;
      const step = { context: [1], hidden, hiddenOffset: 0, allowed };
      const simd = new AdapterProcessor(adapter).process(raw.slice(), step);
      const plain = new AdapterProcessor(adapter, false).process(raw.slice(), step);
      // the kernel may update a few more tokens near its floor, each by its exact update
      const full = raw.slice();
      adapter.addTo(full, hidden, 0);
      simd.forEach((s, t) => {
        if (s !== plain[t])
          assert.ok(s !== raw[t] && Math.abs(s - (full[t] as number)) < 1e-4, `trial ${trial}, token ${t}`);
      });
    }
  });
});
