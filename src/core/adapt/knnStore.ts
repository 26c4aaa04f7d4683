import { Int8Rows } from '../base/vectorKernels';

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
  /** The rows compared after each previous token: lists[from, from + n), newest first. */
  private readonly buckets = new Map<number, { from: number; n: number }>();
  private readonly lists: Int32Array;
  /** The keys in WebAssembly memory, where the kernels run (then the store keeps no other copy). */
  private readonly simd: Int8Rows | undefined;
  private readonly keys: Int8Array | undefined;
  private readonly at: Int32Array;
  private readonly sims: Float64Array;

  constructor(
    readonly hidden: number,
    data: KnnKeys,
    private readonly tokens: Uint16Array,
    readonly options: KnnOptions = DEFAULT_KNN,
    /** false: the plain JavaScript loop even where the kernels run (tests compare the two). */
    kernels = true,
  ) {
    if (data.keys.length !== data.at.length * hidden) throw new Error('neighbour keys have the wrong size');
    const grouped = new Map<number, number[]>();
    data.at.forEach((at, row) => {
      if (at < 0 || at + 1 >= tokens.length) return;
      const prev = tokens[at] as number;
      let b = grouped.get(prev);
      if (!b) grouped.set(prev, (b = []));
      // a lookup compares only the first perBucket rows (the newest code)
      if (b.length < options.perBucket) b.push(row);
    });
    let from = 0;
    let longest = 0;
    for (const [prev, rows] of grouped) {
      this.buckets.set(prev, { from, n: rows.length });
      from += rows.length;
      longest = Math.max(longest, rows.length);
    }
    this.lists = Int32Array.from([...grouped.values()].flat());
    this.at = data.at;
    this.sims = new Float64Array(longest);
    this.simd = kernels ? Int8Rows.create(data.keys, hidden, this.lists, longest) : undefined;
    this.keys = this.simd ? undefined : data.keys;
  }

  get size(): number {
    return this.at.length;
  }

  /** The neighbours' vote after `context`, whose last hidden state is h[offset...]. */
  predict(context: readonly number[], h: Float32Array, offset: number): KnnPrediction | undefined {
    const prev = context[context.length - 1];
    const bucket = prev === undefined ? undefined : this.buckets.get(prev);
    if (!bucket) return undefined;
    const { n } = bucket;
    // the keys are unit length times 127: the cosine is the dot product over 127·|h|
    const sims = this.dots(h, offset, bucket.from, n);
    const cosine = unitScale(h, offset, this.hidden) / 127;
    const { k, temperature, minSimilarity } = this.options;
    // the k most similar rows, best first
    const best: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = (sims[i] as number) * cosine;
      if (best.length === k && s <= (best[k - 1] as number)) continue;
      let j = Math.min(best.length, k - 1);
      while (j > 0 && (best[j - 1] as number) < s) j--;
      best.splice(j, 0, s);
      rows.splice(j, 0, this.lists[bucket.from + i] as number);
      if (best.length > k) {
        best.pop();
        rows.pop();
      }
    }
    const top = best[0];
    if (top === undefined || top < minSimilarity) return undefined;
    const next = new Map<number, number>();
    let total = 0;
    rows.forEach((row, i) => {
      const w = Math.exp(((best[i] as number) - top) / temperature);
      const t = this.tokens[(this.at[row] as number) + 1] as number;
      next.set(t, (next.get(t) ?? 0) + w);
      total += w;
    });
    for (const [t, w] of next) next.set(t, w / total);
    return { next, best: top };
  }

  /** Σ h·key for the n rows listed from `from`: the kernels, or the same sums in JavaScript. */
  private dots(h: Float32Array, offset: number, from: number, n: number): Float64Array {
    const { sims, keys, hidden: d } = this;
    if (this.simd) return this.simd.dots(h, offset, from, n, sims);
    if (!keys) throw new Error('the neighbour store holds no keys');
    for (let i = 0; i < n; i++) {
      const base = (this.lists[from + i] as number) * d;
      // four running sums: the loop is this store's whole cost (a few hundred rows a step)
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += (h[offset + j] as number) * (keys[base + j] as number);
        s1 += (h[offset + j + 1] as number) * (keys[base + j + 1] as number);
        s2 += (h[offset + j + 2] as number) * (keys[base + j + 2] as number);
        s3 += (h[offset + j + 3] as number) * (keys[base + j + 3] as number);
      }
      for (; j < d; j++) s0 += (h[offset + j] as number) * (keys[base + j] as number);
      sims[i] = s0 + s1 + s2 + s3;
    }
    return sims;
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
