/**
 * What an edit changed, at the level of tokens: the span that differs between its old and new
 * text once the common beginning and end are set aside, and the identifiers in that span.
 */

export interface Token {
  readonly text: string;
  /** Offset in the text it came from. */
  readonly start: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Words too common to say anything about where the next edit is. */
const STOP_WORDS = new Set([
  'const', 'let', 'var', 'function', 'return', 'if', 'else', 'for', 'while', 'new', 'this', 'self',
  'def', 'class', 'import', 'from', 'export', 'default', 'async', 'await', 'true', 'false', 'null',
  'None', 'True', 'False', 'undefined', 'in', 'of', 'is', 'not', 'and', 'or', 'as', 'type', 'string',
  'number', 'boolean', 'void', 'any', 'str', 'int', 'pass', 'case', 'break', 'switch', 'try', 'catch',
  'with', 'public', 'private', 'static', 'readonly', 'elif', 'lambda', 'yield', 'typeof', 'instanceof',
]); // prettier-ignore

/**
 * The tokens of a text: identifiers, numbers (with one decimal part) and single other
 * characters, whitespace skipped, as /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S/g matches them; a loop
 * over character codes because scanning a file for a repeated change tokenizes many lines.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let j = i + 1;
    if (isIdentifierStart(c)) {
      while (j < n && (isIdentifierStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
    } else if (isDigit(c)) {
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (j + 1 < n && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
        j += 2;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
    } else if (isSpace(c)) {
      i = j;
      continue;
    }
    tokens.push({ text: text.slice(i, j), start: i });
    i = j;
  }
  return tokens;
}

/**
 * The tokens of lines seen before: a prediction scans the same files again after each edit,
 * and most of their lines have not changed. Bounded: emptied when `capacity` lines are held.
 */
export class LineTokens {
  private readonly known = new Map<string, readonly Token[]>();

  constructor(private readonly capacity = 10_000) {}

  of(line: string): readonly Token[] {
    let tokens = this.known.get(line);
    if (tokens === undefined) {
      if (this.known.size >= this.capacity) this.known.clear();
      tokens = tokenize(line);
      this.known.set(line, tokens);
    }
    return tokens;
  }
}

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const SPACE = /\s/;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 128 && SPACE.test(String.fromCharCode(c)));
}

export function isIdentifier(token: string): boolean {
  return IDENTIFIER.test(token);
}

/** An identifier worth searching for: not a keyword, at least two characters. */
export function isTelling(identifier: string): boolean {
  return identifier.length >= 2 && isIdentifier(identifier) && !STOP_WORDS.has(identifier) && !/^\d/.test(identifier);
}

export interface TokenChange {
  /** Tokens only in the old text (in order). */
  readonly removed: readonly Token[];
  /** Tokens only in the new text (in order). */
  readonly added: readonly Token[];
  /** Up to two tokens before the change and one after it (shared by both texts). */
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** The changed span's source text in the old and the new text. */
  readonly removedText: string;
  readonly addedText: string;
  /** The text between the common prefix and suffix, whitespace included, in the new text. */
  readonly newGap: string;
}

/** The one span where the texts' tokens differ (common prefix and suffix removed). */
export function tokenChange(oldText: string, newText: string): TokenChange {
  const a = tokenize(oldText);
  const b = tokenize(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head]?.text === b[head]?.text) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail]?.text === b[b.length - 1 - tail]?.text
  )
    tail++;
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  const spanText = (tokens: readonly Token[], source: string) => {
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    return first && last ? source.slice(first.start, last.start + last.text.length) : '';
  };
  return {
    removed,
    added,
    before: a.slice(Math.max(0, head - 2), head).map((t) => t.text),
    after: a.slice(a.length - tail, a.length - tail + 1).map((t) => t.text),
    removedText: spanText(removed, oldText),
    addedText: spanText(added, newText),
    newGap: newText.slice(endOf(b[head - 1]), b[b.length - tail]?.start ?? newText.length),
  };
}

export interface EditIdentifiers {
  /** old -> new when the edit replaced one identifier by another (a rename). */
  readonly renamed?: { readonly from: string; readonly to: string };
  /** Telling identifiers that the edit removed (gone from the new text). */
  readonly removed: readonly string[];
  /** Telling identifiers in the changed span of the new text. */
  readonly added: readonly string[];
  /** Telling identifiers next to the change (the call or name the change sits in). */
  readonly context: readonly string[];
}

export function editIdentifiers(oldText: string, newText: string): EditIdentifiers {
  const change = tokenChange(oldText, newText);
  const oldIds = new Set(tokenize(oldText).map((t) => t.text));
  const newIds = new Set(tokenize(newText).map((t) => t.text));
  const removed = unique(change.removed.map((t) => t.text).filter((t) => isTelling(t) && !newIds.has(t)));
  const added = unique(change.added.map((t) => t.text).filter((t) => isTelling(t) && !oldIds.has(t)));
  const context = unique([...change.before].reverse().filter(isTelling));
  const [r] = change.removed;
  const [n] = change.added;
  const renamed =
    change.removed.length === 1 && change.added.length === 1 && r && n && isTelling(r.text) && isTelling(n.text)
      ? { from: r.text, to: n.text }
      : undefined;
  return { ...(renamed ? { renamed } : {}), removed, added, context };
}

function endOf(token: Token | undefined): number {
  return token ? token.start + token.text.length : 0;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Whether `line` holds `identifier` as a whole word. */
export function hasWord(line: string, identifier: string): boolean {
  let from = 0;
  for (;;) {
    const at = line.indexOf(identifier, from);
    if (at < 0) return false;
    const before = at > 0 ? line.charCodeAt(at - 1) : 32;
    const after = at + identifier.length < line.length ? line.charCodeAt(at + identifier.length) : 32;
    if (!isWordChar(before) && !isWordChar(after)) return true;
    from = at + 1;
  }
}

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36
  );
}
