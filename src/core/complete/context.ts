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

/** How far the text after a kept cut may outgrow the budget (the token window trims it anyway). */
const KEPT_CUT_SLACK = 1.25;

/**
 * `keepCut`: the cut chosen where the user is typing; it stays while the text after it is
 * within the budget's slack, so the prompt keeps its start keystroke after keystroke.
 */
export function promptText(prefix: string, maxChars: number, keepCut?: number): PromptText {
  if (keepCut !== undefined && keepCut > 0) {
    let start = 0;
    for (let i = 0; i < keepCut && start >= 0; i++) start = prefix.indexOf('\n', start) + 1 || -1;
    if (start > 0 && prefix.length - start <= maxChars * KEPT_CUT_SLACK) {
      return { text: prefix.slice(start), droppedLines: keepCut };
    }
  }
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
 * start moves rarely. `from`: the start used at this spot before, kept while the ids fit.
 */
export function tokenWindow(ids: readonly number[], max: number, step = 64, from?: number): readonly number[] {
  if (from !== undefined && from <= ids.length && ids.length - from <= max) return ids.slice(from);
  if (ids.length <= max) return ids;
  const start = Math.ceil((ids.length - max) / step) * step;
  return ids.slice(start);
}
