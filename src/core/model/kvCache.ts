/**
 * The attention key/value cache of one decoding stream, as plain arrays so it can be kept
 * between keystrokes and cut back to a shared prefix. Layout per layer: [heads, length, headDim].
 */
export interface LayerCache {
  readonly key: Float32Array;
  readonly value: Float32Array;
}

export class KvCache {
  constructor(
    readonly layers: ReadonlyMap<number, LayerCache>,
    readonly length: number,
    private readonly heads: readonly number[],
    private readonly headDim: number,
  ) {}

  static empty(heads: readonly number[], headDim: number): KvCache {
    const layers = new Map<number, LayerCache>();
    heads.forEach((h, i) => {
      if (h > 0) layers.set(i, { key: new Float32Array(0), value: new Float32Array(0) });
    });
    return new KvCache(layers, 0, heads, headDim);
  }

  headsOf(layer: number): number {
    return this.heads[layer] ?? 0;
  }

  /**
   * The first `length` positions. A one-head layer's prefix is a view of the longer cache (no
   * run writes into a cache it is fed, so sharing is safe; dropping rejected draft tokens then
   * costs nothing); with more heads each head's positions are copied together.
   */
  truncate(length: number): KvCache {
    if (length >= this.length) return this;
    const layers = new Map<number, LayerCache>();
    for (const [i, c] of this.layers) {
      layers.set(i, { key: this.cut(c.key, i, length), value: this.cut(c.value, i, length) });
    }
    return new KvCache(layers, length, this.heads, this.headDim);
  }

  private cut(data: Float32Array, layer: number, length: number): Float32Array {
    const h = this.headsOf(layer);
    const d = this.headDim;
    if (h === 1) return data.subarray(0, length * d);
    const out = new Float32Array(h * length * d);
    for (let head = 0; head < h; head++) {
      out.set(data.subarray(head * this.length * d, head * this.length * d + length * d), head * length * d);
    }
    return out;
  }
}
