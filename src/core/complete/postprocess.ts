import { cutBeforeSecret } from '../privacy/secretFilter';

/**
 * Cleans what the model produced before anyone sees it: nothing from the first secret (or
 * redaction marker) on is shown, trailing whitespace goes, repetitive loops are cut back.
 * Returns '' when nothing worth showing is left. Fitting the text to what stands right of the
 * cursor (the editor's auto-closed brackets and quotes) is suffixReconcile's, done where the
 * document is at hand, since a remembered suggestion may meet a different suffix.
 */
export interface PostprocessInput {
  readonly completion: string;
  /** Text left of the cursor on the cursor's line. */
  readonly linePrefix: string;
}

export function postprocess({ completion, linePrefix }: PostprocessInput): string {
  const text = cutRepetition(cutBeforeSecret(linePrefix, completion).replace(/[ \t]+$/gm, '')).replace(/\s+$/, '');
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
