import * as assert from 'node:assert/strict';
import { KvCache, type LayerCache } from '../../src/core/model/kvCache';

const D = 2; // head size

/** Keys and values of `count` positions for each layer: position p of head h holds [h * 100 + p, -(h * 100 + p)]. */
function positions(heads: readonly number[], from: number, count: number): Map<number, LayerCache> {
  const layers = new Map<number, LayerCache>();
  heads.forEach((h, i) => {
    if (h === 0) return;
    const data = new Float32Array(h * count * D);
    for (let head = 0; head < h; head++)
      for (let k = 0; k < count; k++)
        data.set([head * 100 + from + k, -(head * 100 + from + k)], (head * count + k) * D);
    layers.set(i, { key: data, value: data.map((x) => x + 0.5) });
  });
  return layers;
}

const keysOf = (cache: KvCache, layer: number) => Array.from(cache.layers.get(layer)?.key ?? []);

describe('KV cache', () => {
  it('appends one-head layers in place and several heads by copying, in [heads, length, headDim] order', () => {
    const heads = [1, 2, 0];
    let cache = KvCache.empty(heads, D);
    cache = cache.append(positions(heads, 0, 2), 2, 16);
    cache = cache.append(positions(heads, 2, 1), 1, 16);
    assert.equal(cache.length, 3);
    assert.deepEqual(keysOf(cache, 0), [0, -0, 1, -1, 2, -2]);
    assert.deepEqual(keysOf(cache, 1), [0, -0, 1, -1, 2, -2, 100, -100, 101, -101, 102, -102]);
    assert.equal(cache.layers.has(2), false, 'a layer without heads keeps nothing');
    assert.deepEqual(Array.from(cache.layers.get(0)?.value ?? []), [0.5, 0.5, 1.5, -0.5, 2.5, -1.5]);
  });

  it('keeps what an earlier cache shows when a second branch appends from it', () => {
    const heads = [1];
    const base = KvCache.empty(heads, D).append(positions(heads, 0, 2), 2, 16);
    const first = base.append(positions(heads, 10, 1), 1, 16);
    const second = base.append(positions(heads, 20, 1), 1, 16);
    assert.deepEqual(keysOf(first, 0), [0, -0, 1, -1, 10, -10]);
    assert.deepEqual(keysOf(second, 0), [0, -0, 1, -1, 20, -20]);
    assert.deepEqual(keysOf(base, 0), [0, -0, 1, -1]);
  });

  it('a cut supersedes the longer cache: appends after it write over the cut positions, and the longer one is refused', () => {
    const heads = [1, 2];
    const long = KvCache.empty(heads, D).append(positions(heads, 0, 4), 4, 16);
    const cut = long.truncate(2);
    assert.deepEqual(keysOf(cut, 1), [0, -0, 1, -1, 100, -100, 101, -101]);
    const next = cut.append(positions(heads, 7, 1), 1, 16);
    assert.deepEqual(keysOf(next, 0), [0, -0, 1, -1, 7, -7]);
    assert.deepEqual(keysOf(next, 1), [0, -0, 1, -1, 7, -7, 100, -100, 101, -101, 107, -107]);
    assert.throws(() => long.append(positions(heads, 4, 1), 1, 16), /superseded/);
    assert.throws(() => long.truncate(1), /superseded/);
  });
});
