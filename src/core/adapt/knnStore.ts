/**
 * Nearest neighbours over the user's code (kNN-LM): for learned positions, the model's final
 * hidden state (unit length, int8) and the token that followed. At a decoding step the stored
 * positions after the same previous token are compared with the current hidden state; when one
 * is nearly the same context, the nearest ones vote for the next token. Unlike the n-gram cache
 * this also recognizes contexts that mean the same without being spelled the same.
 */
export interface KnnKeys {
  /** Row i is the state after tokens[at[i]]; its value is tokens[at[i] + 1]. */
  readonly at: Int32Array;
  /** [rows, hidden], each row scaled to unit length times 127. */
  readonly keys: Int8Array;
}

export interface KnnPrediction {
  readonly next: ReadonlyMap<number, number>;
  /** Cosine similarity of the nearest neighbour. */
  readonly best: number;
}

export interface KnnOptions {
  readonly k: number;
  /** Softmax temperature over cosine similarities. */
  readonly temperature: number;
  /** Positions compared per previous token, earliest in the stream (the newest code) first; bounds a step's time. */
  readonly perBucket: number;
  /** Below this similarity of the nearest neighbour the store stays silent. */
  readonly minSimilarity: number;
  /** Share of the next-token distribution the neighbours get when they speak. */
  readonly weight: number;
}

/**
 * Chosen on two projects that are not among those the README reports. `perBucket` was 1,024
 * there; 512 halves the store and a step's comparisons with the same EM and ES on outline
 * (docs/benchmarks.md).
 */
export const DEFAULT_KNN: KnnOptions = { k: 16, temperature: 0.05, perBucket: 512, minSimilarity: 0.95, weight: 0.7 };

export class KnnStore {
  private readonly buckets = new Map<number, number[]>();
  private readonly query: Float32Array;

  constructor(
    readonly hidden: number,
    readonly data: KnnKeys,
    private readonly tokens: Uint16Array,
    readonly options: KnnOptions = DEFAULT_KNN,
  ) {
    if (data.keys.length !== data.at.length * hidden) throw new Error('neighbour keys have the wrong size');
    this.query = new Float32Array(hidden);
    data.at.forEach((at, row) => {
      if (at < 0 || at + 1 >= tokens.length) return;
      const prev = tokens[at] as number;
      let b = this.buckets.get(prev);
      if (!b) this.buckets.set(prev, (b = []));
      b.push(row);
    });
  }

  get size(): number {
    return this.data.at.length;
  }

  /** The neighbours' vote after `context`, whose last hidden state is h[offset...]. */
  predict(context: readonly number[], h: Float32Array, offset: number): KnnPrediction | undefined {
    const prev = context[context.length - 1];
    const bucket = prev === undefined ? undefined : this.buckets.get(prev);
    if (!bucket) return undefined;
    const { hidden: d, query: q } = this;
    const { keys, at } = this.data;
    // the keys are unit length times 127: the query carries the inverse scale
    const inv = unitScale(h, offset, d) / 127;
    for (let j = 0; j < d; j++) q[j] = (h[offset + j] ?? 0) * inv;
    const { k, temperature, perBucket, minSimilarity } = this.options;
    // the k most similar rows, best first
    const sims: number[] = [];
    const rows: number[] = [];
    for (let n = 0; n < Math.min(bucket.length, perBucket); n++) {
      const row = bucket[n] as number;
      const base = row * d;
      // four running sums: the loop is this store's whole cost (a few hundred rows a step)
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += (q[j] as number) * (keys[base + j] as number);
        s1 += (q[j + 1] as number) * (keys[base + j + 1] as number);
        s2 += (q[j + 2] as number) * (keys[base + j + 2] as number);
        s3 += (q[j + 3] as number) * (keys[base + j + 3] as number);
      }
      for (; j < d; j++) s0 += (q[j] as number) * (keys[base + j] as number);
      const s = s0 + s1 + s2 + s3;
      if (sims.length === k && s <= (sims[k - 1] as number)) continue;
      let i = Math.min(sims.length, k - 1);
      while (i > 0 && (sims[i - 1] as number) < s) i--;
      sims.splice(i, 0, s);
      rows.splice(i, 0, row);
      if (sims.length > k) {
        sims.pop();
        rows.pop();
      }
    }
    const top = sims[0];
    if (top === undefined || top < minSimilarity) return undefined;
    const next = new Map<number, number>();
    let total = 0;
    rows.forEach((row, i) => {
      const w = Math.exp(((sims[i] as number) - top) / temperature);
      const t = this.tokens[(at[row] as number) + 1] as number;
      next.set(t, (next.get(t) ?? 0) + w);
      total += w;
    });
    for (const [t, w] of next) next.set(t, w / total);
    return { next, best: top };
  }
}

/** Collects the keys while training walks the user's code. */
export class KnnKeysBuilder {
  /** One growing buffer rather than a small array per row (100,000 rows at the token budget). */
  private rows = new Int8Array(0);
  private readonly positions: number[] = [];

  constructor(readonly hidden: number) {}

  add(h: Float32Array, offset: number, position: number): void {
    const d = this.hidden;
    const at = this.positions.length * d;
    if (at + d > this.rows.length) {
      const grown = new Int8Array(Math.max(2 * this.rows.length, 1024 * d));
      grown.set(this.rows);
      this.rows = grown;
    }
    const s = 127 * unitScale(h, offset, d);
    for (let j = 0; j < d; j++) this.rows[at + j] = Math.round((h[offset + j] ?? 0) * s);
    this.positions.push(position);
  }

  /**
   * Rows in stream order: the stream starts with the newest code, so a bucket's first rows are
   * the newest. Given the stream `tokens`, a bucket keeps only the rows a lookup compares
   * (`perBucket`): the rest would cost the file 388 bytes each and never vote (23% of 100,000
   * rows on outline).
   */
  build(tokens?: Uint16Array, perBucket = DEFAULT_KNN.perBucket): KnnKeys {
    const d = this.hidden;
    const sorted = this.positions
      .map((_, i) => i)
      .sort((x, y) => (this.positions[x] as number) - (this.positions[y] as number));
    const seen = new Map<number, number>();
    const order = tokens
      ? sorted.filter((i) => {
          const at = this.positions[i] as number;
          // a position with nothing after it has no next token to vote for
          if (at < 0 || at + 1 >= tokens.length) return false;
          const prev = tokens[at] as number;
          const n = (seen.get(prev) ?? 0) + 1;
          seen.set(prev, n);
          return n <= perBucket;
        })
      : sorted;
    const keys = new Int8Array(order.length * d);
    order.forEach((i, r) => keys.set(this.rows.subarray(i * d, (i + 1) * d), r * d));
    return { at: Int32Array.from(order, (i) => this.positions[i] as number), keys };
  }
}

/** 1 / |h[offset, offset + d)|, or 1 for a zero vector. */
function unitScale(h: Float32Array, offset: number, d: number): number {
  let norm = 0;
  for (let j = 0; j < d; j++) norm += (h[offset + j] ?? 0) ** 2;
  return 1 / (Math.sqrt(norm) || 1);
}
