/**
 * The next-edit contract: what the editor (or a replayed commit) tells the predictor about an
 * edit, and what the predictor answers. Positions are 0-based lines and characters in the file
 * as it stands after the edit; paths are workspace-relative with '/' separators.
 */

export interface LineRange {
  /** First line (0-based). */
  readonly start: number;
  /** Last line, inclusive (equal to start for a one-line range). */
  readonly end: number;
}

/** One edit the user made, merged the way an undo stop would merge keystrokes. */
export interface UserEdit {
  readonly path: string;
  /** Lines the edit replaced, in the file before the edit. */
  readonly before: LineRange;
  /** Lines the new text occupies, in the file after the edit. */
  readonly after: LineRange;
  /** The replaced lines' text (whole lines, '\n'-joined). */
  readonly oldText: string;
  /** The new lines' text (whole lines, '\n'-joined). */
  readonly newText: string;
  /** Milliseconds since the epoch when the edit was finished. */
  readonly time: number;
}

/** Why a location was proposed: the kind of evidence, and one line for the user. */
export type CandidateKind =
  'occurrence' | 'call-site' | 'repeat-pattern' | 'sibling-branch' | 'test-file' | 'co-change';

/** A replacement of whole lines the predictor proposes at a candidate location. */
export interface ProposedEdit {
  readonly lines: LineRange;
  readonly newText: string;
}

export interface EditCandidate {
  readonly path: string;
  /** 0-based line of the predicted edit in the file as it stands now. */
  readonly line: number;
  readonly kind: CandidateKind;
  /** One line, shown in "Ondi: Next Edit" and in the status bar. */
  readonly reason: string;
  /** Ranker score; higher first. */
  readonly score: number;
  /** The edited text itself, when the change repeats the user's last transformation. */
  readonly proposal?: ProposedEdit;
}

/** What the predictor may read; the editor passes open documents and the workspace. */
export interface WorkspaceReader {
  /** Current text of a file ('\n' line breaks), undefined when unreadable or excluded. */
  read(path: string): string | undefined;
  /** Workspace-relative paths of code files the predictor may look at (bounded by the caller). */
  files(): readonly string[];
}
