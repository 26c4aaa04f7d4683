/**
 * Which lines of a file hold which words, so a prediction looks candidates up instead of
 * testing every line of every searched file against every piece of evidence. A file's index
 * follows its text: when the text changed, only the lines between the unchanged beginning and
 * end are read again and the line numbers below them move; the whole file is read only the
 * first time or when most of it changed. Files are kept in least-recently-used order within a
 * bound on files and lines.
 */

const WORD = /[A-Za-z_$][\w$]*/g;

/** A-Z a-z _ $ */
function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** A word character: a start or a digit. */
function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57);
}

export class FileIndex {
  private lines: string[] = [];
  /** word -> 0-based lines holding it, ascending. */
  private postings = new Map<string, number[]>();
  private source = '';
  /** Offset in the text where each line starts. */
  private starts: number[] = [];
  /** How many lines the last update read (the whole file, or the changed span). */
  lastReindexed = 0;
  /** The text before the last update, and the lines that update read again (joined). */
  previousText: string | undefined;
  lastChangedText = '';

  constructor(text: string) {
    this.rebuild(text);
  }

  get text(): string {
    return this.source;
  }

  /** The file's lines as last indexed (do not modify). */
  get fileLines(): readonly string[] {
    return this.lines;
  }

  /** Lines holding `word` (a superset of whole-word matches: callers check the line), ascending. */
  linesWith(word: string): readonly number[] {
    return this.postings.get(word) ?? [];
  }

  /** The words indexed. */
  words(): IterableIterator<string> {
    return this.postings.keys();
  }

  /** Brings the index to `text`: re-reads only the lines that differ from the indexed text. */
  update(text: string): void {
    const old = this.source;
    if (text === old) {
      this.lastReindexed = 0;
      return;
    }
    this.previousText = old;
    // The common beginning and end in characters, so the unchanged lines are neither split nor read.
    const shortest = Math.min(old.length, text.length);
    let prefix = 0;
    while (prefix < shortest && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (
      suffix < shortest - prefix &&
      old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
    )
      suffix++;
    // Changed lines: from the line holding the first difference to the first line that starts inside the common end.
    const head = upperBound(this.starts, prefix) - 1;
    const headStart = this.starts[head] ?? 0;
    const removedEnd = lowerBound(this.starts, old.length - suffix + 1);
    const delta = text.length - old.length;
    const addedText =
      removedEnd < this.starts.length
        ? text.slice(headStart, (this.starts[removedEnd] as number) + delta - 1)
        : text.slice(headStart);
    const added = addedText.split('\n');
    // A change over most of the file (another branch, a reformat) is cheaper read afresh.
    if (added.length > (this.lines.length + added.length) / 4 + 64) {
      this.rebuild(text);
      return;
    }
    // The old lines' words are read again from their text, so no per-line word lists are kept.
    for (let i = head; i < removedEnd; i++)
      for (const word of (this.lines[i] ?? '').match(WORD) ?? []) this.remove(word, i);
    const lineDelta = added.length - (removedEnd - head);
    if (lineDelta !== 0)
      for (const lines of this.postings.values()) {
        for (let k = lowerBound(lines, removedEnd); k < lines.length; k++) lines[k] = (lines[k] as number) + lineDelta;
      }
    const starts: number[] = [];
    let offset = headStart;
    added.forEach((line, k) => {
      starts.push(offset);
      offset += line.length + 1;
      for (const word of line.match(WORD) ?? []) this.insert(word, head + k);
    });
    for (let i = removedEnd; i < this.starts.length; i++) this.starts[i] = (this.starts[i] as number) + delta;
    this.lines.splice(head, removedEnd - head, ...added);
    this.starts.splice(head, removedEnd - head, ...starts);
    this.source = text;
    this.lastReindexed = added.length;
    this.lastChangedText = addedText;
  }

  private rebuild(text: string): void {
    this.lines = text.split('\n');
    this.source = text;
    this.postings = new Map();
    this.starts = [0];
    // One pass over the characters (no match objects): a word's list gets a line once, however often the line holds it.
    let line = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        this.starts.push(i + 1);
        continue;
      }
      // As the WORD pattern: a word starts at a letter, _ or $ (after a digit too, as in 1abc).
      if (!isWordStart(c)) continue;
      let end = i + 1;
      while (end < n && isWordPart(text.charCodeAt(end))) end++;
      const word = text.slice(i, end);
      i = end - 1;
      const list = this.postings.get(word);
      if (!list) this.postings.set(word, [line]);
      else if (list[list.length - 1] !== line) list.push(line);
    }
    this.lastReindexed = this.lines.length;
    this.lastChangedText = text;
  }

  private remove(word: string, line: number): void {
    const list = this.postings.get(word);
    if (!list) return;
    const at = lowerBound(list, line);
    if (list[at] === line) list.splice(at, 1);
    if (list.length === 0) this.postings.delete(word);
  }

  private insert(word: string, line: number): void {
    const list = this.postings.get(word);
    if (!list) {
      this.postings.set(word, [line]);
      return;
    }
    const at = lowerBound(list, line);
    if (list[at] !== line) list.splice(at, 0, line);
  }
}

/** First position in an ascending list whose value is > `value`. */
function upperBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in an ascending list whose value is >= `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface IndexBounds {
  /** Files kept at most. */
  readonly files: number;
  /** Lines kept over all files at most. */
  readonly lines: number;
}

/** The indexes of the files a prediction searched lately, least recently used dropped first. */
export class IdentifierIndex {
  private readonly files = new Map<string, FileIndex>();
  private lines = 0;

  constructor(private readonly bounds: IndexBounds = { files: 64, lines: 400_000 }) {}

  /** The index of `path` at `text`, updated incrementally from what was indexed before. */
  of(path: string, text: string): FileIndex {
    const known = this.files.get(path);
    let index: FileIndex;
    if (known) {
      this.lines -= known.fileLines.length;
      known.update(text);
      this.files.delete(path);
      index = known;
    } else index = new FileIndex(text);
    this.files.set(path, index);
    this.lines += index.fileLines.length;
    for (const [oldest, entry] of this.files) {
      if (this.files.size <= 1 || (this.files.size <= this.bounds.files && this.lines <= this.bounds.lines)) break;
      this.files.delete(oldest);
      this.lines -= entry.fileLines.length;
    }
    return index;
  }

  get size(): number {
    return this.files.size;
  }

  get lineCount(): number {
    return this.lines;
  }
}
