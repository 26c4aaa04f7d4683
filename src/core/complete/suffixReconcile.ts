/**
 * Fits a completion to the text right of the cursor, the one owner of that concern. With
 * auto-closing on, the editor has already typed the `)`, `'` or `}` the model is about to
 * type: inserting the completion in front of them would leave `console.log());`. So the item
 * replaces the closers the completion types itself (they are a subsequence of its text, which
 * the editor renders as ghost text around them) and keeps those it does not; a multi-line
 * block leaves out its closing lines when the document's next lines close it already.
 */
export interface SuffixReconcileInput {
  /** The pipeline's text for the cursor ('\n' breaks). */
  readonly completion: string;
  /** Text left of the cursor on the cursor's line. */
  readonly linePrefix: string;
  /** Text right of the cursor on the cursor's line. */
  readonly lineSuffix: string;
  /** The document's lines after the cursor's line, nearest first (a few suffice). */
  readonly nextLines: readonly string[];
  /** Where a line comment starts: '#' in Python, '//' elsewhere. */
  readonly lineComment?: string;
}

export interface Reconciled {
  /** The item's text. */
  readonly text: string;
  /** Characters right of the cursor, on its line, that the item replaces. */
  readonly replace: number;
}

/** Undefined when nothing would change the document. */
export function reconcileWithSuffix(input: SuffixReconcileInput): Reconciled | undefined {
  const comment = input.lineComment ?? '//';
  let text = dropClosingLinesAlreadyThere(input.completion, input.nextLines);
  const closers = input.lineSuffix.trimEnd();
  if (closers && !text.includes('\n')) text = dropUnopenedClosers(input.linePrefix, text);
  if (text.trim() === '') return undefined;

  // Every k such that the suffix's first k characters appear in order in the text is a way to
  // place the item; so is a statement the model ended with `;` before closing what the line
  // opened (`log(total(x);` before `)`): its `;` goes after the closers. The placement whose
  // line scans cleanest wins, the longest on a tie (a `;` typed again replaces the one there).
  const candidates: Reconciled[] = [];
  // a one-line completion that opens a string and never closes it (`"Total: ` + `)`) gets the
  // quote before its closing brackets as one more way to place it
  const closed = text.includes('\n') ? undefined : withStringClosed(input.linePrefix, text, comment);
  for (const t of closed === undefined ? [text] : [text, closed]) {
    for (let k = 0, most = longestSubsequencePrefix(closers, t); k <= most; k++)
      candidates.push({ text: t, replace: k });
  }
  if (closers && text.endsWith(';') && !text.includes('\n')) {
    const body = text.slice(0, -1).trimEnd();
    candidates.push({ text: body + closers + (closers.endsWith(';') ? '' : ';'), replace: closers.length });
  }
  let best: { fit: Reconciled; heavy: number; light: number } | undefined;
  for (const fit of candidates) {
    const { heavy, light } = bracketDefects(input.linePrefix + fit.text + input.lineSuffix.slice(fit.replace), comment);
    if (!best || heavy < best.heavy || (heavy === best.heavy && light <= best.light)) best = { fit, heavy, light };
  }
  const fit = best?.fit ?? { text, replace: 0 };
  if (fit.text === input.lineSuffix.slice(0, fit.replace)) return undefined;
  return fit;
}

/** How many of `suffix`'s first characters occur, in order, in `text`. */
export function longestSubsequencePrefix(suffix: string, text: string): number {
  let at = 0;
  let k = 0;
  while (k < suffix.length) {
    const found = text.indexOf(suffix.charAt(k), at);
    if (found < 0) break;
    at = found + 1;
    k++;
  }
  return k;
}

const CLOSE_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const QUOTES = new Set(["'", '"', '`']);

/**
 * Heavy: a closer with no matching opener, a string left open (a quote doubled by the editor
 * leaves one), or a `)` or `]` right after a `;` (a statement ended inside a call); light:
 * openers left open, as a line that opens a block does on purpose. Brackets inside strings and
 * comments do not count.
 */
export function bracketDefects(code: string, lineComment = '//'): { heavy: number; light: number } {
  const open: string[] = [];
  let quote: string | undefined;
  let heavy = 0;
  /** The last character outside strings and comments that is not a space. */
  let last = '';
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) {
        quote = undefined;
        last = c;
      } else if (c === '\n' && quote !== '`') {
        heavy++;
        quote = undefined;
      }
      continue;
    }
    if (code.startsWith(lineComment, i)) {
      const end = code.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (QUOTES.has(c)) quote = c;
    else if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (CLOSE_OF[c] !== undefined) {
      if (open[open.length - 1] === CLOSE_OF[c]) open.pop();
      else heavy++;
      if (c !== '}' && last === ';') heavy++;
    }
    if (!/\s/.test(c)) last = c;
  }
  if (quote !== undefined) heavy++;
  return { heavy, light: open.length };
}

/**
 * The one-line `text` with the quote it opened, and left open, closed before its trailing
 * brackets and `;`; undefined when it leaves no string of its own open.
 */
export function withStringClosed(linePrefix: string, text: string, lineComment = '//'): string | undefined {
  const code = linePrefix + text;
  let quote: string | undefined;
  let opened = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (code.startsWith(lineComment, i)) return undefined;
    if (QUOTES.has(c)) {
      quote = c;
      opened = i;
    }
  }
  // a string the line opened before the cursor is the editor's to close; a triple quote is no one-line string
  if (quote === undefined || opened < linePrefix.length || text.includes(quote.repeat(3))) return undefined;
  const tail = /[)\]};,]*$/.exec(text)?.[0] ?? '';
  return text.slice(0, text.length - tail.length) + quote + tail;
}

/** With closers already right of the cursor, a one-line completion must not close what the line never opened. */
function dropUnopenedClosers(linePrefix: string, text: string): string {
  const open: string[] = [];
  for (const c of linePrefix) {
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (CLOSE_OF[c] && open[open.length - 1] === CLOSE_OF[c]) open.pop();
  }
  let out = '';
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (CLOSE_OF[c]) {
      if (open[open.length - 1] !== CLOSE_OF[c]) break;
      open.pop();
    }
    out += c;
  }
  return out;
}

/**
 * The editor closes a block itself (`{` Enter leaves `}` on the line below): a completed block
 * that ends with the same closing line(s), at the same indentation, leaves them out. Its first
 * line continues the cursor's line and is never compared.
 */
export function dropClosingLinesAlreadyThere(text: string, nextLines: readonly string[]): string {
  const lines = text.split('\n');
  const below = nextLines.filter((line) => line.trim() !== '');
  for (let t = Math.min(lines.length - 1, below.length); t >= 1; t--) {
    const tail = lines.slice(lines.length - t);
    if (tail.every((line, i) => sameClosingLine(line, below[i] ?? ''))) {
      return lines
        .slice(0, lines.length - t)
        .join('\n')
        .replace(/\s+$/, '');
    }
  }
  return text;
}

/** Same indentation, and the same line or both starting with the same closer (`});` and `})`). */
function sameClosingLine(completed: string, existing: string): boolean {
  const a = completed.trim();
  const b = existing.trim();
  if (a === '' || indentOf(completed) !== indentOf(existing)) return false;
  if (a === b) return true;
  const first = a.charAt(0);
  return CLOSE_OF[first] !== undefined && b.charAt(0) === first;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}
