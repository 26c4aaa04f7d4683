/**
 * Cursor-level checks before any model work (the document-level ones live in gate.ts):
 * no completion in the middle of a word with text right of the cursor, none on a huge line.
 */
export type Prefilter = { readonly go: true } | { readonly go: false; readonly reason: string };

const WORD = /[\p{L}\p{N}_$]/u;
const LONGEST_LINE = 1000;

export function prefilter(linePrefix: string, lineSuffix: string): Prefilter {
  if (linePrefix.length + lineSuffix.length > LONGEST_LINE) {
    return { go: false, reason: 'line too long (minified?)' };
  }
  const before = linePrefix.slice(-1);
  const after = lineSuffix.slice(0, 1);
  if (after && WORD.test(after) && before && WORD.test(before)) {
    return { go: false, reason: 'cursor inside a word' };
  }
  // Closing brackets and quotes right of the cursor are fine; any other text means the
  // user is editing inside a line, where a line completion would only get in the way.
  if (lineSuffix.trim() && !/^[\s)\]}'"`;,:]*$/.test(lineSuffix)) {
    return { go: false, reason: 'text right of the cursor' };
  }
  return { go: true };
}
