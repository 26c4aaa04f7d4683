import { VECTOR_KERNELS_WASM } from './vectorKernelsWasm';

/**
 * The WebAssembly SIMD kernels of vectorKernels.wat. Each user gets an instance with its own
 * memory; where WebAssembly SIMD is missing (or a size does not suit the kernels) the callers
 * keep their plain JavaScript loops, which give the same results.
 */
interface Memory {
  readonly buffer: ArrayBuffer;
}

interface Exports {
  readonly memory: Memory;
  dots(rows: number, d: number, query: number, n: number, out: number): void;
  logSumExp(at: number, n: number): number;
  argmax(at: number, n: number): number;
  reaching(s: number, bound: number, n: number, r: number, floor: number, out: number, limit: number): number;
  axpy(y: number, x: number, n: number, a: number): void;
}

/** The part of the WebAssembly API used here (the project's type libraries leave it out). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
  readonly Memory: new (size: { initial: number }) => Memory;
}

let compiled: object | null | undefined;

/** The compiled module, once; null where this runtime cannot run it (no WebAssembly or no SIMD). */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    try {
      compiled = api ? new api.Module(Uint8Array.from(VECTOR_KERNELS_WASM)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * A fresh instance with a memory of at least `bytes`, made at that size and never grown (see
 * vectorKernels.wat), or undefined without WebAssembly SIMD.
 */
function instantiate(bytes: number): Exports | undefined {
  const module = kernelModule();
  if (!module) return undefined;
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly as WebAssemblyApi;
  const memory = new api.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
  const { exports } = new api.Instance(module, { math: { log: Math.log }, env: { memory } });
  return { ...(exports as Omit<Exports, 'memory'>), memory };
}

/** Whether the kernels run here (tests compare them with the JavaScript loops where they do). */
export function vectorKernelsAvailable(): boolean {
  return kernelModule() !== null;
}

/** log Σ exp(x) over rows of one length, copied into the instance's memory. */
export class LogSumExp {
  private readonly row: Float32Array;

  private constructor(
    private readonly exports: Exports,
    readonly length: number,
  ) {
    // the kernel reads whole groups of four: the padding adds exp(-inf), nothing
    new Float32Array(exports.memory.buffer, 0, fours(length)).fill(-Infinity);
    this.row = new Float32Array(exports.memory.buffer, 0, length);
  }

  /** For rows of `length` scores; undefined where the kernels do not run. */
  static create(length: number): LogSumExp | undefined {
    if (length < 1) return undefined;
    const exports = instantiate(4 * fours(length));
    return exports && new LogSumExp(exports, length);
  }

  of(scores: Float32Array): number {
    if (scores.length !== this.length) throw new Error(`scores of ${scores.length}, not ${this.length}`);
    this.row.set(scores);
    return this.exports.logSumExp(0, fours(this.length));
  }
}

/** Where BoundedScan keeps what (bytes): scores, bounds and rows padded to groups of four. */
function scanLayout(n: number, rows: number, limit: number) {
  const padded = fours(n);
  const bound = 4 * padded;
  const weighted = 2 * bound;
  const hits = weighted + rows * bound;
  // the kernel writes up to three past the limit within its last group of four
  return { padded, bound, rows: weighted, hits, bytes: hits + 4 * (limit + 4) };
}

/**
 * A row of scores against fixed per-token bounds (the adapter's |B[:, t]|): the best score, the
 * tokens whose score plus r times their bound reaches a floor, and weighted sums of fixed rows
 * (the adapter's B) added to the whole row.
 */
export class BoundedScan {
  private readonly scores: Float32Array;
  private readonly hits: Int32Array;
  private readonly at: ReturnType<typeof scanLayout>;
  readonly length: number;
  private readonly rowCount: number;

  private constructor(
    private readonly exports: Exports,
    bound: Float32Array,
    rows: Float32Array,
    /** More tokens than this reaching the floor is an answer of its own (undefined). */
    readonly limit: number,
  ) {
    const n = (this.length = bound.length);
    this.rowCount = rows.length / n;
    const at = (this.at = scanLayout(n, this.rowCount, limit));
    const { buffer } = exports.memory;
    // padding: scores -inf with bound 0 never reach a floor nor come first
    this.scores = new Float32Array(buffer, 0, at.padded).fill(-Infinity);
    new Float32Array(buffer, at.bound, n).set(bound);
    for (let j = 0; j < this.rowCount; j++)
      new Float32Array(buffer, at.rows + 4 * j * at.padded, n).set(rows.subarray(j * n, (j + 1) * n));
    this.hits = new Int32Array(buffer, at.hits, limit + 4);
  }

  /** `rows`: [r, bound.length] (none: an empty array). */
  static create(bound: Float32Array, limit: number, rows: Float32Array = new Float32Array(0)): BoundedScan | undefined {
    const n = bound.length;
    if (n < 1 || limit < 0 || rows.length % n !== 0) return undefined;
    const exports = instantiate(scanLayout(n, rows.length / n, limit).bytes);
    return exports && new BoundedScan(exports, bound, rows, limit);
  }

  /** Copies `scores` in (as long as the bounds); returns the index of the largest, -1 if none (all NaN). */
  load(scores: Float32Array): number {
    if (scores.length !== this.length) throw new Error(`scores of ${scores.length}, not ${this.length}`);
    this.scores.set(scores);
    return this.exports.argmax(0, this.at.padded);
  }

  /** The tokens of the loaded scores with score + r·bound ≥ floor, in order; undefined past the limit. */
  reaching(r: number, floor: number): Int32Array | undefined {
    const { at, limit } = this;
    const n = this.exports.reaching(0, at.bound, at.padded, r, floor, at.hits, limit);
    return n > limit ? undefined : this.hits.subarray(0, n);
  }

  /** Writes the loaded scores plus Σ weights[j]·rows[j] into `out`. */
  addRows(weights: ArrayLike<number>, out: Float32Array): void {
    if (out.length !== this.length) throw new Error(`scores of ${out.length}, not ${this.length}`);
    if (weights.length !== this.rowCount) throw new Error(`${weights.length} weights for ${this.rowCount} rows`);
    const { at } = this;
    for (let j = 0; j < this.rowCount; j++) {
      const w = weights[j] as number;
      if (w !== 0) this.exports.axpy(0, at.rows + 4 * j * at.padded, at.padded, w);
    }
    out.set(this.scores.subarray(0, this.length));
  }
}

/**
 * Rows of d int8 values held in an instance's memory, in the order a caller's lists name them,
 * so that a lookup hands over only the query and reads one stretch of memory: dot products of
 * an int16 query (the float query scaled so that its largest value is 32767) with consecutive
 * rows.
 */
export class Int8Rows {
  private readonly query: Int16Array;
  private readonly out: Int32Array;
  private readonly at: { query: number; out: number };

  private constructor(
    private readonly exports: Exports,
    readonly d: number,
    listed: number,
    longest: number,
  ) {
    const at = (this.at = int8Layout(d, listed, longest));
    const { buffer } = exports.memory;
    this.query = new Int16Array(buffer, at.query, d);
    this.out = new Int32Array(buffer, at.out, longest);
  }

  /**
   * A new instance holding the rows of `keys` ([rows, d]) that `lists` names (row numbers, any
   * grouping), copied in the lists' order: slot i is row lists[i], and a lookup reads slots
   * from one stretch of memory rather than rows strewn over the whole store. `longest` bounds
   * how many slots one lookup compares. Undefined where the kernels do not run or d is not a
   * multiple of 16.
   */
  static create(keys: Int8Array, d: number, lists: Int32Array, longest: number): Int8Rows | undefined {
    if (d <= 0 || d % 16 !== 0 || keys.length % d !== 0) return undefined;
    const exports = instantiate(int8Layout(d, lists.length, longest).bytes);
    if (!exports) return undefined;
    const copy = new Int8Array(exports.memory.buffer, 0, lists.length * d);
    lists.forEach((row, i) => copy.set(keys.subarray(row * d, (row + 1) * d), i * d));
    return new Int8Rows(exports, d, lists.length, longest);
  }

  /**
   * Σ h[offset + j]·row[j] for the n rows in slots [from, from + n), into out[0, n); returns
   * `out`. The query is rounded to 16 bits (relative error about 1e-5).
   */
  dots(h: Float32Array, offset: number, from: number, n: number, out: Float64Array): Float64Array {
    const { d, query } = this;
    if (n > this.out.length) throw new Error(`${n} rows asked, at most ${this.out.length}`);
    let max = 0;
    for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(h[offset + j] as number));
    const scale = max > 0 ? 32_767 / max : 0;
    for (let j = 0; j < d; j++) query[j] = Math.round((h[offset + j] as number) * scale);
    this.exports.dots(from * d, d, this.at.query, n, this.at.out);
    const unscale = scale > 0 ? 1 / scale : 0;
    for (let i = 0; i < n; i++) out[i] = (this.out[i] as number) * unscale;
    return out;
  }
}

/** Where Int8Rows keeps what (bytes): the rows, the int16 query, the int32 results. */
function int8Layout(d: number, listed: number, longest: number) {
  const query = listed * d;
  const out = align(query + 2 * d);
  return { query, out, bytes: out + 4 * longest };
}

/** n up to the next multiple of 4 (the kernels read groups of four floats). */
function fours(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Up to the next multiple of 16 bytes. */
function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
