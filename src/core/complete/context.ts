/**
 * The prompt: the text before the cursor, cut at a line that stays put while the user types
 * (a multiple of CUT_STEP lines back), so consecutive prompts share their start and the
 * decoder's cache can be reused.
 */
const CUT_STEP = 32;

export interface PromptText {
  readonly text: string;
  /** Number of lines dropped from the top of the document. */
  readonly droppedLines: number;
}

export function promptText(prefix: string, maxChars: number): PromptText {
  if (prefix.length <= maxChars) return { text: prefix, droppedLines: 0 };
  const lines = prefix.split('\n');
  // smallest stable cut that fits
  let cut = 0;
  let size = prefix.length;
  const lengths = lines.map((l) => l.length + 1);
  while (size > maxChars && cut < lines.length - 1) {
    const next = Math.min(lines.length - 1, cut + CUT_STEP);
    for (let i = cut; i < next; i++) size -= lengths[i] ?? 0;
    cut = next;
  }
  let text = lines.slice(cut).join('\n');
  if (text.length > maxChars) text = text.slice(text.length - maxChars); // one enormous line
  return { text, droppedLines: cut };
}

/**
 * Token window: at most `max` ids, dropping from the front in steps of `step` so the window's
 * start moves rarely.
 */
export function tokenWindow(ids: readonly number[], max: number, step = 64): readonly number[] {
  if (ids.length <= max) return ids;
  const start = Math.ceil((ids.length - max) / step) * step;
  return ids.slice(start);
}
