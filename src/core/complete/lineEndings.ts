/**
 * Line endings at the pipeline's boundary. The model learned code with '\n' breaks only, and the
 * stop rules end a line at '\n': a document saved with '\r\n' (or old lone '\r' breaks) is read
 * as '\n' before it reaches the pipeline, and a completion goes back with the document's ending.
 * Line and character positions need no mapping (a character never counts the break); offsets do.
 */
export type LineEnding = '\n' | '\r\n';

/** Every '\r\n' and lone '\r' becomes '\n'. */
export function toLf(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** The offset in toLf(text) of an offset in text; one between '\r' and '\n' lands after the break. */
export function lfOffset(text: string, offset: number): number {
  let removed = 0;
  for (let i = text.indexOf('\r\n'); i >= 0 && i + 1 < offset; i = text.indexOf('\r\n', i + 2)) removed++;
  return offset - removed;
}

/** A document cut at the cursor as the pipeline reads it: '\n' breaks only. */
export function lfSplit(text: string, offset: number): { readonly prefix: string; readonly suffix: string } {
  const lf = toLf(text);
  const at = lfOffset(text, offset);
  return { prefix: lf.slice(0, at), suffix: lf.slice(at) };
}

/**
 * The ending a document writes new lines with: '\r\n' when more than half of its breaks hold a
 * '\r' (the rule VS Code opens a file with), otherwise and without any break '\n'.
 */
export function lineEndingOf(text: string): LineEnding {
  let breaks = 0;
  let withCr = 0;
  for (const m of text.matchAll(/\r\n?|\n/g)) {
    breaks++;
    if (m[0].startsWith('\r')) withCr++;
  }
  return withCr * 2 > breaks ? '\r\n' : '\n';
}

/** Pipeline text as it is inserted into a document with the given ending: no other break is left. */
export function withLineEnding(text: string, ending: LineEnding): string {
  const lf = toLf(text);
  return ending === '\n' ? lf : lf.replace(/\n/g, ending);
}
