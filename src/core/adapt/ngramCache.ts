/**
 * A cache model of the user's own code: for the last few tokens of the context, which tokens
 * followed the same tokens in the user's files (and earlier in the current file). Code repeats
 * its own identifiers and idioms, and a small model cannot know a project's names: this is
 * where personal predictions come from first.
 */
export interface CachePrediction {
  /** Candidate next tokens with their share of the matches. */
  readonly next: ReadonlyMap<number, number>;
  /** Length of the matched context (tokens). */
  readonly order: number;
  readonly matches: number;
}

const ORDERS = [8, 6, 4, 3, 2] as const;
const MIN_ORDER = 2;

export class NgramCache {
  private readonly index = new Map<string, Map<number, number>>();

  constructor(readonly tokens: Uint16Array | readonly number[]) {
    for (let i = MIN_ORDER; i < tokens.length; i++) {
      const next = tokens[i] ?? 0;
      for (const n of ORDERS) {
        if (i - n < 0) continue;
        const key = keyOf(tokens, i - n, i);
        let m = this.index.get(key);
        if (!m) this.index.set(key, (m = new Map()));
        m.set(next, (m.get(next) ?? 0) + 1);
      }
    }
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Longest-order match of the context's tail, in the user's files and in the context itself. */
  predict(context: readonly number[]): CachePrediction | undefined {
    for (const n of ORDERS) {
      if (context.length < n + 1) continue;
      const next = new Map<number, number>();
      let matches = 0;
      const stored = this.index.get(keyOf(context, context.length - n, context.length));
      if (stored) {
        for (const [t, c] of stored) {
          next.set(t, (next.get(t) ?? 0) + c);
          matches += c;
        }
      }
      // earlier in the same context (the open file)
      for (let i = n; i < context.length; i++) {
        let same = true;
        for (let k = 1; k <= n && same; k++) same = context[i - k] === context[context.length - k];
        if (same && i < context.length) {
          const t = context[i] ?? 0;
          next.set(t, (next.get(t) ?? 0) + 1);
          matches++;
        }
      }
      if (matches > 0) {
        for (const [t, c] of next) next.set(t, c / matches);
        return { next, order: n, matches };
      }
    }
    return undefined;
  }
}

function keyOf(tokens: Uint16Array | readonly number[], from: number, to: number): string {
  let key = '';
  for (let i = from; i < to; i++) key += String.fromCharCode(tokens[i] ?? 0);
  return key + String.fromCharCode(65535 - (to - from));
}
