/**
 * The attention key/value cache of one decoding stream, as plain arrays so it can be kept
 * between keystrokes and cut back to a shared prefix. Layout per layer: [heads, length, headDim].
 */
export interface LayerCache {
  readonly key: Float32Array;
  readonly value: Float32Array;
}

/**
 * Room shared by a stream's caches. A one-head layer's positions are a prefix of a buffer
 * that grows by appending in place; `epoch` counts cuts, so a cache from before a cut (whose
 * later positions may since have been written over) is refused rather than read.
 */
interface Room {
  readonly buffers: Map<number, { key: Float32Array; value: Float32Array }>;
  /** Positions written in the buffers: only the cache that ends there may append in place. */
  used: number;
  epoch: number;
}

export class KvCache {
  private readonly epoch: number;

  constructor(
    readonly layers: ReadonlyMap<number, LayerCache>,
    readonly length: number,
    private readonly heads: readonly number[],
    private readonly headDim: number,
    private readonly room: Room = { buffers: new Map(), used: length, epoch: 0 },
  ) {
    this.epoch = room.epoch;
  }

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

  /** Throws for a cache a later cut has superseded (its positions may have been written over). */
  checkCurrent(): void {
    if (this.epoch !== this.room.epoch) throw new Error('this KV cache was superseded by a cut-back one');
  }

  /**
   * The first `length` positions. A one-head layer's prefix is a view of the same buffer, and
   * the caches longer than it are superseded (appends will write over their later positions:
   * dropping rejected draft tokens costs nothing); with more heads each head is copied.
   */
  truncate(length: number): KvCache {
    this.checkCurrent();
    if (length >= this.length) return this;
    const layers = new Map<number, LayerCache>();
    for (const [i, c] of this.layers) {
      layers.set(i, { key: this.cut(c.key, i, length), value: this.cut(c.value, i, length) });
    }
    this.room.epoch++;
    this.room.used = length;
    return new KvCache(layers, length, this.heads, this.headDim, this.room);
  }

  /**
   * This cache followed by `count` more positions, given per layer as [heads, count, headDim].
   * One-head layers are written in place when this cache ends where its room's writes end;
   * otherwise (or with more heads) the arrays are copied into new ones.
   */
  append(fed: ReadonlyMap<number, LayerCache>, count: number, capacity: number): KvCache {
    this.checkCurrent();
    const total = this.length + count;
    const inPlace = this.room.used === this.length && total <= capacity;
    const room: Room = inPlace ? this.room : { buffers: new Map(), used: this.length, epoch: 0 };
    const layers = new Map<number, LayerCache>();
    for (const [i, c] of this.layers) {
      const add = fed.get(i);
      if (!add) throw new Error(`no keys and values for layer ${i}`);
      layers.set(
        i,
        this.headsOf(i) === 1 && total <= capacity
          ? {
              key: this.grow(room, i, 'key', c.key, add.key, total, capacity),
              value: this.grow(room, i, 'value', c.value, add.value, total, capacity),
            }
          : { key: this.joined(c.key, add.key, i, count), value: this.joined(c.value, add.value, i, count) },
      );
    }
    room.used = total;
    return new KvCache(layers, total, this.heads, this.headDim, room);
  }

  /** Writes `add` after `kept` positions in the room's buffer for the layer (made on first use). */
  private grow(
    room: Room,
    layer: number,
    which: 'key' | 'value',
    kept: Float32Array,
    add: Float32Array,
    total: number,
    capacity: number,
  ): Float32Array {
    const d = this.headDim;
    let buffers = room.buffers.get(layer);
    if (!buffers) {
      buffers = { key: new Float32Array(capacity * d), value: new Float32Array(capacity * d) };
      room.buffers.set(layer, buffers);
    }
    const buffer = buffers[which];
    // a cache from elsewhere (the empty one, a copy) is brought into the room first
    if (kept.buffer !== buffer.buffer) buffer.set(kept);
    buffer.set(add, this.length * d);
    return buffer.subarray(0, total * d);
  }

  /** [heads, length + count, headDim] from this layer's positions and `count` more per head. */
  private joined(kept: Float32Array, add: Float32Array, layer: number, count: number): Float32Array {
    const h = this.headsOf(layer);
    const d = this.headDim;
    const total = this.length + count;
    const out = new Float32Array(h * total * d);
    for (let head = 0; head < h; head++) {
      out.set(kept.subarray(head * this.length * d, (head + 1) * this.length * d), head * total * d);
      out.set(add.subarray(head * count * d, (head + 1) * count * d), (head * total + this.length) * d);
    }
    return out;
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
