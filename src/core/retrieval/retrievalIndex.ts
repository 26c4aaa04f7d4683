import { Bm25 } from './bm25';
import { codeTerms, codeWindows, DEFAULT_SHAPE, type CodeWindow, type WindowShape } from './codeWindows';

/** What the index may hold at most; past either bound the oldest files (by mtime) go first. */
export interface RetrievalBounds {
  readonly maxWindows: number;
  /** Characters of file text kept to lend windows from (one byte each for ASCII code). */
  readonly maxChars: number;
}

/**
 * 40,000 windows (about 160,000 lines of code, each line in two windows) and 6 M characters
 * of text: on 2,000 real JavaScript and TypeScript files the index stops at about 1,000 of
 * them, in about 25 MB of heap besides the text (docs/completions.md has the measurements).
 */
export const DEFAULT_BOUNDS: RetrievalBounds = { maxWindows: 40_000, maxChars: 6_000_000 };

/** One window found for a query. */
export interface RetrievedWindow {
  readonly path: string;
  /** The window's lines and the lines that follow it. */
  readonly text: string;
  /** Its BM25 score for the query (higher is better; comparable only within one query). */
  readonly score: number;
}

interface IndexedFile {
  readonly text: string;
  readonly mtimeMs: number;
  readonly ids: readonly number[];
}

interface IndexedWindow {
  readonly path: string;
  readonly window: CodeWindow;
}

export type AddResult = 'added' | 'empty' | 'full';

/**
 * A lexical index over windows of whole lines of the workspace's files, ranked by BM25 on
 * the identifiers they share with the lines above the cursor. Files come and
 * go one at a time (saved, created, deleted), and the index stays within its bounds by
 * dropping the files least recently modified: the code a user touched last is the likeliest
 * to be written again.
 */
export class RetrievalIndex {
  private readonly bm25 = new Bm25();
  private readonly files = new Map<string, IndexedFile>();
  private readonly windows = new Map<number, IndexedWindow>();
  private chars = 0;
  private changes = 0;
  private last: { key: string; except: string; found: RetrievedWindow | undefined } | undefined;

  constructor(
    private readonly bounds: RetrievalBounds = DEFAULT_BOUNDS,
    private readonly shape: WindowShape = DEFAULT_SHAPE,
  ) {}

  get fileCount(): number {
    return this.files.size;
  }

  get windowCount(): number {
    return this.windows.size;
  }

  get charCount(): number {
    return this.chars;
  }

  get paths(): string[] {
    return [...this.files.keys()];
  }

  /** Counts every file added or forgotten: an answer given before may no longer be the best. */
  get version(): number {
    return this.changes;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /**
   * Indexes `text` as the file at `path` (replacing what was indexed for it). `known` are
   * secret values declared elsewhere (.env files): a window holding one is left out, as is one
   * holding a secret the scanner detects. 'full': the file is older than everything the index
   * holds and there is no room, so it was not added.
   */
  add(path: string, text: string, mtimeMs: number, known: readonly string[] = []): AddResult {
    this.remove(path);
    const windows = codeWindows(text, known, this.shape);
    if (windows.length === 0) return 'empty';
    const ids = windows.map((window) => {
      const id = this.bm25.add(codeTerms(text.slice(window.from, window.searchEnd)));
      this.windows.set(id, { path, window });
      return id;
    });
    this.files.set(path, { text, mtimeMs, ids });
    this.chars += text.length;
    this.last = undefined;
    this.changes++;
    return this.evictBeyondBounds(path) ? 'full' : 'added';
  }

  /** Forgets the file at `path`, and every indexed file under it when it is a folder. */
  remove(path: string): void {
    for (const known of [...this.files.keys()])
      if (known === path || isInside(known, path)) this.forget(known, this.files.get(known) as IndexedFile);
  }

  /**
   * The best window for the lines above the cursor (`query`), never one from `exceptPath`
   * (the file being completed has its own text in the prompt). The same query and path
   * answer from memory: typing on one line asks the same question again and again.
   */
  best(query: string, exceptPath: string): RetrievedWindow | undefined {
    if (this.last?.key === query && this.last.except === exceptPath) return this.last.found;
    const result = this.top(query, exceptPath, 1)[0];
    this.last = { key: query, except: exceptPath, found: result };
    return result;
  }

  /** The `k` best windows for `query`, best first, none from `exceptPath` (see best). */
  top(query: string, exceptPath: string, k: number): RetrievedWindow[] {
    const found = this.bm25.top(codeTerms(query), (id) => this.windows.get(id)?.path !== exceptPath, k);
    const out: RetrievedWindow[] = [];
    for (const f of found) {
      const hit = this.windows.get(f.id);
      const file = hit ? this.files.get(hit.path) : undefined;
      if (hit && file)
        out.push({ path: hit.path, text: file.text.slice(hit.window.from, hit.window.to), score: f.score });
    }
    return out;
  }

  /** Drops the oldest files while over a bound; true when that dropped `added` itself. */
  private evictBeyondBounds(added: string): boolean {
    let droppedAdded = false;
    while (this.windows.size > this.bounds.maxWindows || this.chars > this.bounds.maxChars) {
      let oldest: [string, IndexedFile] | undefined;
      for (const entry of this.files)
        if (
          !oldest ||
          entry[1].mtimeMs < oldest[1].mtimeMs ||
          (entry[1].mtimeMs === oldest[1].mtimeMs && entry[0] === added)
        )
          oldest = entry;
      if (!oldest) break;
      if (oldest[0] === added) droppedAdded = true;
      this.forget(oldest[0], oldest[1]);
    }
    return droppedAdded;
  }

  private forget(path: string, file: IndexedFile): void {
    for (const id of file.ids) {
      this.bm25.remove(id);
      this.windows.delete(id);
    }
    this.files.delete(path);
    this.chars -= file.text.length;
    this.last = undefined;
    this.changes++;
  }
}

function isInside(file: string, folder: string): boolean {
  return (
    file.length > folder.length &&
    file.startsWith(folder) &&
    (file[folder.length] === '/' || file[folder.length] === '\\')
  );
}
