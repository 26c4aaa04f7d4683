import { cutBeforeSecret } from '../privacy/secretFilter';

/**
 * Cleans what the model produced before anyone sees it: nothing from the first secret (or
 * redaction marker) on is shown, trailing whitespace goes, repetitive
 * loops are cut back, text that already stands right of the cursor is not typed again, and
 * closing brackets that have no opener in the line are dropped. Returns '' when nothing
 * worth showing is left.
 */
export interface PostprocessInput {
  readonly completion: string;
  /** Text right of the cursor on the cursor's line. */
  readonly lineSuffix: string;
  /** Text left of the cursor on the cursor's line. */
  readonly linePrefix: string;
}

export function postprocess({ completion, lineSuffix, linePrefix }: PostprocessInput): string {
  let text = cutRepetition(cutBeforeSecret(linePrefix, completion).replace(/[ \t]+$/gm, ''));
  const suffix = lineSuffix.trim();
  if (suffix && !text.includes('\n')) {
    if (text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
    text = dropUnopenedClosers(linePrefix, text);
  }
  text = text.replace(/\s+$/, '');
  return text.trim() === '' ? '' : text;
}

/** A unit of 1-40 characters repeated 3+ times in a row is a loop: keep its first occurrence. */
export function cutRepetition(text: string): string {
  const m = /(.{1,40}?)\1{2,}/su.exec(text);
  if (!m || m[1] === undefined || m[1].trim().length === 0) return text;
  // single characters repeated (e.g. '===' or '   ') are ordinary code
  if (m[1].length === 1 && m[0].length < 8) return text;
  return text.slice(0, m.index + m[1].length);
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** With closers already right of the cursor, a completion must not close what the line never opened. */
function dropUnopenedClosers(linePrefix: string, text: string): string {
  const open: string[] = [];
  for (const c of linePrefix) {
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (PAIRS[c] && open[open.length - 1] === PAIRS[c]) open.pop();
  }
  let out = '';
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (PAIRS[c]) {
      if (open[open.length - 1] !== PAIRS[c]) break;
      open.pop();
    }
    out += c;
  }
  return out;
}
