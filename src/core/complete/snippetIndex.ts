import type { SnippetMatch, SnippetSource } from './snippets';

export interface SnippetOptions {
  /** Lines per indexed window, and how far consecutive windows start apart. */
  readonly windowLines?: number;
  readonly strideLines?: number;
  /** Lines after the window that come with it (where the code went on). */
  readonly followLines?: number;
  /** Longest snippet, in tokens. */
  readonly maxTokens?: number;
  /** Weakest similarity worth the prompt space. */
  readonly minSimilarity?: number;
  /** Tokens before the cursor's line that make the query. */
  readonly queryTokens?: number;
}

interface Window {
  readonly from: number;
  readonly to: number;
  /** Distinct non-blank tokens of its own lines (the ones after it are not matched on). */
  readonly size: number;
}

const DEFAULTS: Required<SnippetOptions> = {
  windowLines: 8,
  strideLines: 4,
  followLines: 4,
  maxTokens: 128,
  minSimilarity: 0.25,
  queryTokens: 64,
};

/**
 * Retrieval from the user's own code (the learned token stream, or a file worked in lately):
 * the stream is cut into overlapping windows of whole lines, and the lines just above the
 * cursor find the window that shares the largest part of their tokens (Jaccard). That window,
 * with the lines that followed it, goes in front of the prompt, where the model copies from it
 * the way it copies from earlier in the file: a project's names and idioms reach completions
 * in files the model has never seen.
 */
export class SnippetIndex implements SnippetSource {
  private readonly windows: Window[] = [];
  private readonly postings = new Map<number, number[]>();
  private readonly options: Required<SnippetOptions>;
  /** Scratch counts of shared tokens per window, zeroed again after each search. */
  private shared: Uint16Array | undefined;
  private last: { key: string; match: SnippetMatch | undefined } | undefined;

  constructor(
    private readonly tokens: Uint16Array | readonly number[],
    private readonly separator: number,
    private readonly isNewline: (id: number) => boolean,
    /** Tokens that say nothing about the code (white space): never matched on. */
    private readonly isBlank: (id: number) => boolean,
    options: SnippetOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    for (const lines of this.documentLines()) this.addWindows(lines);
  }

  get size(): number {
    return this.windows.length;
  }

  match(promptIds: readonly number[]): SnippetMatch | undefined {
    const query = this.queryOf(promptIds);
    const key = [...query].join(',');
    // the query changes only when the cursor's line does: typing on a line asks the same again
    if (this.last?.key !== key) this.last = { key, match: this.search(query) };
    return this.last.match;
  }

  private search(query: ReadonlySet<number>): SnippetMatch | undefined {
    if (query.size === 0) return undefined;
    const shared = (this.shared ??= new Uint16Array(this.windows.length));
    const touched: number[] = [];
    for (const t of query) {
      for (const w of this.postings.get(t) ?? []) {
        if (shared[w] === 0) touched.push(w);
        shared[w] = (shared[w] ?? 0) + 1;
      }
    }
    let best = -1;
    let bestScore = this.options.minSimilarity;
    for (const w of touched) {
      const n = shared[w] ?? 0;
      shared[w] = 0;
      const score = n / (query.size + (this.windows[w]?.size ?? 0) - n);
      if (score > bestScore || (score === bestScore && w < best)) {
        best = w;
        bestScore = score;
      }
    }
    return this.snippet(best, bestScore);
  }

  /** The first window (a file's head: its imports and first definitions), similarity 0. */
  head(): SnippetMatch | undefined {
    return this.snippet(0, 0);
  }

  /** Whether the prompt has no complete line to search with (the cursor is on its first line). */
  onFirstLine(promptIds: readonly number[]): boolean {
    return !promptIds.some((t) => this.isNewline(t));
  }

  private snippet(w: number, similarity: number): SnippetMatch | undefined {
    const win = this.windows[w];
    if (!win) return undefined;
    // whole lines only: a cut-off last line (the budget's end, or a file's unfinished end) would
    // teach the model that the code stops there, right before the file being completed
    let end = Math.min(win.to, win.from + this.options.maxTokens);
    while (end > win.from && !this.isNewline(this.tokens[end - 1] ?? 0)) end--;
    if (end === win.from) return undefined;
    return { ids: Array.from(this.tokens.slice(win.from, end)), similarity };
  }

  /** The distinct tokens of the last lines before the cursor's line (stable while typing on it). */
  private queryOf(promptIds: readonly number[]): Set<number> {
    let end = promptIds.length;
    while (end > 0 && !this.isNewline(promptIds[end - 1] ?? 0)) end--;
    const set = new Set<number>();
    for (let i = Math.max(0, end - this.options.queryTokens); i < end; i++) {
      const t = promptIds[i] ?? 0;
      if (t !== this.separator && !this.isBlank(t)) set.add(t);
    }
    return set;
  }

  /** For each document in the stream, the token offset where each of its lines starts (and its end). */
  private *documentLines(): Generator<number[]> {
    let lines: number[] = [];
    for (let i = 0; i <= this.tokens.length; i++) {
      const t = i < this.tokens.length ? (this.tokens[i] ?? 0) : this.separator;
      if (t === this.separator) {
        if (lines.length > 0) {
          lines.push(i);
          yield lines;
        }
        lines = [i + 1];
      } else if (this.isNewline(t)) {
        lines.push(i + 1);
      }
    }
  }

  private addWindows(lineStarts: readonly number[]): void {
    const { windowLines, strideLines, followLines } = this.options;
    const lineCount = lineStarts.length - 1;
    for (let first = 0; first < lineCount; first += strideLines) {
      const at = (line: number) => lineStarts[Math.min(lineCount, line)] ?? 0;
      const from = at(first);
      const key = new Set<number>();
      for (let i = from; i < at(first + windowLines); i++) {
        const t = this.tokens[i] ?? 0;
        if (!this.isBlank(t)) key.add(t);
      }
      if (key.size === 0) continue;
      const index = this.windows.push({ from, to: at(first + windowLines + followLines), size: key.size }) - 1;
      for (const t of key) {
        let list = this.postings.get(t);
        if (!list) this.postings.set(t, (list = []));
        list.push(index);
      }
      if (first + windowLines >= lineCount) break;
    }
  }
}

/** The index over a token stream, reading lines and blanks from the tokenizer's vocabulary. */
export function snippetIndexOf(
  tokens: Uint16Array | readonly number[],
  vocabText: readonly string[],
  separator: number,
  options?: SnippetOptions,
): SnippetIndex {
  return new SnippetIndex(
    tokens,
    separator,
    (id) => (vocabText[id] ?? '').includes('\n'),
    (id) => (vocabText[id] ?? '').trim() === '',
    options,
  );
}
