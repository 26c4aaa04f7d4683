import type { Action } from './actions';

/** How the selection in an editor changed (VS Code's TextEditorSelectionChangeKind, or unknown). */
export type SelectionKind = 'keyboard' | 'mouse' | 'command' | undefined;

/**
 * Decides which editor switches count as opening a file: the user works in it (moves the
 * cursor or selects with keyboard or mouse, edits, saves) or stays on it for `dwellMs`.
 * Cycling through tabs, or glancing at a definition and going back, would otherwise teach the
 * sequence model steps nobody meant to take. Selections made by commands do not count: VS Code
 * sets one whenever an editor is shown.
 */
export class OpenConfirmation {
  private pending: { file: string; since: number } | undefined;

  constructor(readonly dwellMs = 2000) {}

  /** The active editor changed to `file` (undefined: none). Returns the open of the file left, if it counted. */
  activate(file: string | undefined, now: number): Action | undefined {
    const left = this.pending;
    if (left?.file === file) return undefined;
    this.pending = file === undefined ? undefined : { file, since: now };
    return left && now - left.since >= this.dwellMs ? { kind: 'open', file: left.file } : undefined;
  }

  /** The selection changed in `file`; returns the open to record first if this confirms it. */
  select(file: string, kind: SelectionKind): Action | undefined {
    return kind === 'keyboard' || kind === 'mouse' ? this.work(file) : undefined;
  }

  /** The user edited or saved `file`; returns the open to record first if it was still pending. */
  work(file: string): Action | undefined {
    if (this.pending?.file !== file) return undefined;
    this.pending = undefined;
    return { kind: 'open', file };
  }
}
