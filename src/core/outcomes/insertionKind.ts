/**
 * What put an insertion of ghost text into the document, told from its shape alone (stable
 * editor APIs say nothing else): VS Code's accept-next-line inserts the ghost text up to and
 * including its first line break; accept-next-word inserts the next word, or the whitespace
 * before it; typing inserts one character per keystroke. When a word or line accept would take
 * all the rest, VS Code accepts the whole suggestion and runs its command: that is Tab.
 *
 * A one-character word accept (a lone bracket) cannot be told from typing it and counts as
 * typed; an insertion that fits neither accept (an auto-closed pair, Enter with indentation,
 * a paste) counts as typed too.
 */
export type InsertionKind = 'word' | 'line' | 'typed';

/** VS Code's default word pattern, with `$` part of a word as in its TypeScript and JavaScript pattern. */
const WORD = /(-?\d*\.\d\w*)|([^`~!@#%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+)/;

/** Characters accept-next-line takes of `ghost`. */
export function lineAcceptLength(ghost: string): number {
  const lineBreak = ghost.indexOf('\n');
  return lineBreak >= 0 ? lineBreak + 1 : ghost.length;
}

/** Characters accept-next-word takes of `ghost`: the word at its start, or what comes before the next word, whitespace first. */
export function wordAcceptLength(ghost: string): number {
  const word = WORD.exec(ghost);
  let until = word ? (word.index === 0 ? word[0].length : word.index) : ghost.length;
  const space = /\s+/.exec(ghost);
  if (space && space.index + space[0].length < until) until = space.index + space[0].length;
  return until;
}

/** How `inserted`, the start of `ghost` (the part of a suggestion not yet in the document), went in. */
export function insertionKind(inserted: string, ghost: string): InsertionKind {
  const n = inserted.length;
  if (n <= 1) return 'typed';
  if (n === lineAcceptLength(ghost)) return 'line';
  if (n === wordAcceptLength(ghost)) return 'word';
  return 'typed';
}
