import { toLf } from '../complete/lineEndings';
import { snippetIndexOf, type SnippetIndex } from '../complete/snippetIndex';
import type { RetrievalSource, SnippetMatch } from '../complete/snippets';
import type { Tokenizer } from '../model/tokenizer';
import type { RetrievalIndex } from './retrievalIndex';

/** Complete lines above the cursor's line that make the query (the snippets' window size). */
export const QUERY_LINES = 8;

/**
 * Retrieval as the prompt uses it: BM25 picks the workspace window for the lines above the
 * cursor, and the snippets' own test (token overlap with those lines, the same floor) decides
 * which part of it, if any, is worth the prompt's room. So a retrieved window and a recent
 * file's window compete on one measure.
 */
export class RetrievalSnippets implements RetrievalSource {
  private last: { text: string; index: SnippetIndex } | undefined;
  private lastRelated: { query: string; path: string; version: number; ids: readonly number[] } | undefined;

  constructor(
    private readonly index: RetrievalIndex,
    private readonly tokenizer: Tokenizer,
    private readonly separator: number,
  ) {}

  get version(): number {
    return this.index.version;
  }

  match(promptIds: readonly number[], prefix: string, path: string): SnippetMatch | undefined {
    const query = linesAbove(prefix, QUERY_LINES);
    if (query.trim() === '') return undefined;
    const found = this.index.best(query, path);
    if (!found) return undefined;
    if (this.last?.text !== found.text) {
      const ids = [this.separator, ...this.tokenizer.encode(toLf(found.text))];
      this.last = { text: found.text, index: snippetIndexOf(ids, this.tokenizer.vocabText, this.separator) };
    }
    return this.last.index.match(promptIds);
  }

  /** Tokens of the `k` windows most like the lines above the cursor, each after a separator. */
  related(prefix: string, path: string, k: number): readonly number[] {
    const query = linesAbove(prefix, QUERY_LINES);
    if (query.trim() === '') return [];
    const { version } = this.index;
    const last = this.lastRelated;
    // asked again while typing on a line; answered afresh once the index changed
    if (last?.query === query && last.path === path && last.version === version) return last.ids;
    const ids = this.index.top(query, path, k).flatMap((w) => [this.separator, ...this.tokenizer.encode(toLf(w.text))]);
    this.lastRelated = { query, path, version, ids };
    return ids;
  }
}

/** The last `count` complete lines before the cursor's line (unchanged while typing on it). */
export function linesAbove(prefix: string, count: number): string {
  const end = prefix.lastIndexOf('\n');
  if (end < 0) return '';
  let start = end;
  for (let n = 0; n < count && start > 0; n++) start = prefix.lastIndexOf('\n', start - 1);
  return prefix.slice(start + 1, end);
}
