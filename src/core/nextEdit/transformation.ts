import { isTelling, tokenChange, tokenize, type Token } from './editDiff';

/**
 * A line-level transformation learned from one edit ("replace `getUser` by `fetchUser`",
 * "insert `, signal` after `options` before `)`"), and its application to other lines, so the
 * predictor can propose the edited text itself where the user is likely to repeat the change.
 */
export interface Transformation {
  /** Token texts the edit replaced; empty for a pure insertion. */
  readonly removed: readonly string[];
  /** The replacement's source text (for a substitution). */
  readonly addedText: string;
  /** For an insertion: the tokens it sits between, and the text that goes there. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly insertText: string;
}

/**
 * The transformation an edit made, when every changed line changed the same way and the
 * change is specific enough to repeat; undefined otherwise.
 */
export function transformationOf(oldText: string, newText: string): Transformation | undefined {
  const oldLines = oldText.split('\n');
  const newLines = newText.split('\n');
  if (oldText === '' || newText === '' || oldLines.length !== newLines.length) return undefined;
  let found: Transformation | undefined;
  let key = '';
  for (let i = 0; i < oldLines.length; i++) {
    const a = oldLines[i] ?? '';
    const b = newLines[i] ?? '';
    if (a === b) continue;
    const t = lineTransformation(a, b);
    if (!t) return undefined;
    const k = JSON.stringify(t);
    if (found && k !== key) return undefined;
    found = t;
    key = k;
  }
  return found;
}

function lineTransformation(oldLine: string, newLine: string): Transformation | undefined {
  const change = tokenChange(oldLine, newLine);
  if (change.removed.length === 0 && change.added.length === 0) return undefined;
  if (change.removed.length > 0) {
    const removed = change.removed.map((t) => t.text);
    // A lone punctuation mark or short number repeats too often to be a pattern.
    if (!removed.some(isTelling) && removed.join('').length < 3) return undefined;
    return { removed, addedText: change.addedText, before: [], after: [], insertText: '' };
  }
  // Pure insertion: anchored on both sides (or at a line's end after two tokens).
  if (change.before.length === 0 || (change.after.length === 0 && change.before.length < 2)) return undefined;
  return {
    removed: [],
    addedText: '',
    before: change.before,
    after: change.after,
    insertText: change.newGap,
  };
}

/** The line with the transformation applied everywhere it matches; undefined where it does not. */
export function applyToLine(t: Transformation, line: string, tokens?: readonly Token[]): string | undefined {
  if (!mayApply(t, line)) return undefined;
  const all = tokens ?? tokenize(line);
  return t.removed.length > 0 ? substitute(t, line, all) : insert(t, line, all);
}

/** Whether every token the transformation needs occurs in the line's text: a cheap test before tokenizing it. */
export function mayApply(t: Transformation, line: string): boolean {
  const needed = t.removed.length > 0 ? t.removed : [...t.before, ...t.after];
  return needed.every((text) => line.includes(text));
}

function substitute(t: Transformation, line: string, tokens: readonly Token[]): string | undefined {
  let out = '';
  let copied = 0;
  let matched = false;
  for (let i = 0; i + t.removed.length <= tokens.length;) {
    if (t.removed.every((text, k) => tokens[i + k]?.text === text)) {
      const first = tokens[i] as Token;
      const last = tokens[i + t.removed.length - 1] as Token;
      out += line.slice(copied, first.start) + t.addedText;
      copied = last.start + last.text.length;
      matched = true;
      i += t.removed.length;
    } else i++;
  }
  return matched ? out + line.slice(copied) : undefined;
}

function insert(t: Transformation, line: string, tokens: readonly Token[]): string | undefined {
  const n = t.before.length;
  for (let i = n; i <= tokens.length; i++) {
    if (!t.before.every((text, k) => tokens[i - n + k]?.text === text)) continue;
    const next = tokens[i];
    if (t.after.length > 0 ? next?.text !== t.after[0] : next !== undefined) continue;
    const prev = tokens[i - 1] as Token;
    const gapStart = prev.start + prev.text.length;
    const gapEnd = next ? next.start : line.length;
    return line.slice(0, gapStart) + t.insertText + line.slice(gapEnd);
  }
  return undefined;
}

/** Whether applying `t` to `oldText` (line by line) gives exactly `newText`. */
export function repeats(t: Transformation, oldText: string, newText: string): boolean {
  if (oldText === '') return false;
  const lines = oldText.split('\n');
  const out = lines.map((line) => applyToLine(t, line) ?? line);
  return out.join('\n') === newText && out.some((line, i) => line !== lines[i]);
}
