/**
 * A cache model of the user's own code: for the last few tokens of the context, which tokens
 * followed the same tokens in the user's files (and earlier in the current file). Code repeats
 * its own identifiers and idioms, and a small model cannot know a project's names: this is
 * where personal predictions come from first.
 *
 * The stream's positions are kept sorted by the tokens that start there (a suffix array cut at
 * the longest order plus the next token): every context tail is then a range found by binary
 * search, and the tokens that followed it are sorted within that range. Six bytes per token,
 * where a map of every n-gram took hundreds, so the whole of a large project fits.
 */
export interface CachePrediction {
  /** Candidate next tokens with their share of the matches. */
  readonly next: ReadonlyMap<number, number>;
  /** Length of the matched context (tokens). */
  readonly order: number;
  readonly matches: number;
}

const ORDERS = [8, 6, 4, 3, 2] as const;
/** Tokens a position is sorted by: the longest context and the token after it. */
const SORT_DEPTH = ORDERS[0] + 1;

export class NgramCache {
  /** Positions of the stream, in the order of the (up to SORT_DEPTH) tokens from each. */
  private readonly sorted: Int32Array;

  constructor(readonly tokens: Uint16Array) {
    this.sorted = sortPositions(tokens, SORT_DEPTH);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** What the stream and its order take in memory. */
  get bytes(): number {
    return this.tokens.byteLength + this.sorted.byteLength;
  }

  /**
   * Longest-order match of the context's tail, in the user's files, in `nearby` (code near the
   * cursor that the context leaves out) and in the context itself; a match near the cursor
   * counts `nearWeight` times.
   */
  predict(context: readonly number[], nearby?: NgramCache, nearWeight = 1): CachePrediction | undefined {
    for (const n of ORDERS) {
      if (context.length < n + 1) continue;
      const next = new Map<number, number>();
      let matches = this.countFollowers(context, n, next) + (nearby?.countFollowers(context, n, next, nearWeight) ?? 0);
      // earlier in the same context (the open file)
      for (let i = n; i < context.length; i++) {
        let same = true;
        for (let k = 1; k <= n && same; k++) same = context[i - k] === context[context.length - k];
        if (same) {
          const t = context[i] ?? 0;
          next.set(t, (next.get(t) ?? 0) + nearWeight);
          matches += nearWeight;
        }
      }
      if (matches > 0) {
        for (const [t, c] of next) next.set(t, c / matches);
        return { next, order: n, matches };
      }
    }
    return undefined;
  }

  /** Adds to `next` what followed the context's last n tokens in the stream; returns how many did. */
  countFollowers(context: readonly number[], n: number, next: Map<number, number>, weight = 1): number {
    const { tokens, sorted } = this;
    const tail = context.length - n;
    // -1: the position's tokens sort before the tail's, 1: after, 0: they start with it
    const against = (p: number, depth: number): number => {
      for (let k = 0; k < depth; k++) {
        if (p + k >= tokens.length) return -1;
        const d = (tokens[p + k] as number) - (context[tail + k] as number);
        if (d !== 0) return d < 0 ? -1 : 1;
      }
      return 0;
    };
    const first = (from: number, to: number, after: (p: number) => boolean): number => {
      while (from < to) {
        const mid = (from + to) >>> 1;
        if (after(sorted[mid] as number)) to = mid;
        else from = mid + 1;
      }
      return from;
    };
    let lo = first(0, sorted.length, (p) => against(p, n) >= 0);
    const hi = first(lo, sorted.length, (p) => against(p, n) > 0);
    // a match at the stream's very end has no token after it (and sorts first: shorter)
    while (lo < hi && (sorted[lo] as number) + n >= tokens.length) lo++;
    // the followers are sorted inside the range: one search per distinct token
    let matches = 0;
    while (lo < hi) {
      const t = tokens[(sorted[lo] as number) + n] as number;
      const end = first(lo, hi, (p) => (tokens[p + n] as number) > t);
      next.set(t, (next.get(t) ?? 0) + (end - lo) * weight);
      matches += (end - lo) * weight;
      lo = end;
    }
    return matches;
  }
}

/**
 * Positions sorted by their first `depth` tokens (a position nearer the end than that sorts
 * before the longer ones it is a prefix of): a stable radix sort, last token first.
 */
export function sortPositions(tokens: Uint16Array, depth: number): Int32Array {
  const n = tokens.length;
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Int32Array(n);
  // digit 0 means "past the end", so a real token t counts as t + 1
  const counts = new Int32Array(65_538);
  for (let d = depth - 1; d >= 0; d--) {
    counts.fill(0);
    const digit = (p: number): number => (p + d < n ? (tokens[p + d] as number) + 1 : 0);
    for (let i = 0; i < n; i++) counts[digit(i) + 1] = (counts[digit(i) + 1] as number) + 1;
    for (let b = 1; b < counts.length; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
    for (let i = 0; i < n; i++) {
      const p = order[i] as number;
      const at = counts[digit(p)] as number;
      counts[digit(p)] = at + 1;
      spare[at] = p;
    }
    [order, spare] = [spare, order];
  }
  return order;
}
