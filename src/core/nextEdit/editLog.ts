import type { OndiConfig } from '../config';
import { createOfferGate, type DocumentFacts } from '../complete/gate';
import { createPathExcluder } from '../privacy/globs';
import { NEVER_LEARN } from '../privacy/neverLearn';
import { findSecrets } from '../privacy/secretScan';
import type { UserEdit } from './types';

/** One replacement as the editor reports it: offsets into the text before the change. */
export interface TextChange {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/** What the editor's change event says, as plain data. */
export interface DocumentChange extends DocumentFacts {
  readonly time: number;
  /** All relative to the text before this change, as onDidChangeTextDocument gives them. */
  readonly changes: readonly TextChange[];
  /**
   * 'typing' is the user's own edit; 'undo', 'redo' and 'other' (Ondi's own applies) close the
   * edit in progress and are not edits themselves.
   */
  readonly source: 'typing' | 'undo' | 'redo' | 'other';
  /** The document's whole text after the change; read only when the log does not know the file yet. */
  readonly textAfter: () => string;
}

export interface EditLogOptions {
  /** Settings, read at each change (languages, disabledGlobs, nextEdit.enabled). */
  readonly config: () => OndiConfig;
  readonly maxEdits?: number;
  /** An edit whose old or new text is longer than this is not kept (a paste, a generated block). */
  readonly maxEditChars?: number;
  /** Files whose text is known, most recently changed first (each is a copy of a document). */
  readonly maxFiles?: number;
  /** A larger file is not followed. */
  readonly maxFileChars?: number;
}

/** A pause this long between two changes closes the edit, as the editor's undo stops do. */
export const PAUSE_MS = 1000;
const DEFAULTS = { maxEdits: 50, maxEditChars: 4000, maxFiles: 16, maxFileChars: 1_000_000 };

/** The edit still being typed: the file as it was when it began, and its lines in the file now. */
interface Pending {
  readonly path: string;
  readonly base: string;
  /** First and last line (inclusive) of the edited region in the current text. */
  start: number;
  end: number;
  last: number;
}

/**
 * The user's recent edits, merged from document changes the way an undo stop merges
 * keystrokes: typing in one place is one edit; a pause of a second, a change or cursor move
 * outside the lines being edited, another file, an undo or redo, or a change Ondi made itself
 * ends it. Only files of ondi.languages outside ondi.disabledGlobs and the never-learn list
 * are followed, and an edit whose text holds a secret is dropped. Memory is bounded: the last
 * `maxEdits` edits of at most `maxEditChars` characters each, and the text of at most
 * `maxFiles` files (the text before an edit is needed to know what it replaced).
 */
export class EditLog {
  private readonly limits: typeof DEFAULTS;
  private readonly texts = new Map<string, string>();
  private readonly closed: UserEdit[] = [];
  private pending: Pending | undefined;
  private gate: { config: OndiConfig; allows: (doc: DocumentFacts) => boolean } | undefined;

  constructor(private readonly options: EditLogOptions) {
    this.limits = { ...DEFAULTS, ...definedOnly(options) };
  }

  /** Whether edits of this document are followed (its language, its path, the switch). */
  follows(doc: DocumentFacts): boolean {
    const config = this.options.config();
    if (this.gate?.config !== config) {
      const offer = createOfferGate({ ...config, enable: config['nextEdit.enabled'] });
      const neverLearn = createPathExcluder(NEVER_LEARN);
      this.gate = { config, allows: (d) => offer(d).offer && !neverLearn(d.path) };
    }
    return this.gate.allows(doc);
  }

  /** The text of a file as the editor has it now (opened, or shown); needed before its first change. */
  know(doc: DocumentFacts, text: string): void {
    if (!this.follows(doc) || text.length > this.limits.maxFileChars) {
      this.texts.delete(doc.path);
      return;
    }
    this.remember(doc.path, text);
  }

  /** The document was closed: its text is no longer needed unless an edit is in progress in it. */
  forget(path: string): void {
    if (this.pending?.path === path) this.close();
    this.texts.delete(path);
  }

  /** The cursor is on this line now: an edit elsewhere is finished. */
  cursor(path: string, line: number): void {
    const p = this.pending;
    if (p && (p.path !== path || line < p.start || line > p.end)) this.close();
  }

  change(event: DocumentChange): void {
    if (event.changes.length === 0) return;
    if (!this.follows(event)) {
      if (this.pending?.path === event.path) this.pending = undefined;
      this.texts.delete(event.path);
      return;
    }
    const known = this.texts.get(event.path);
    if (known === undefined) {
      // Without the text before, what the change replaced is unknown: start following from here.
      this.close();
      const after = event.textAfter();
      if (after.length <= this.limits.maxFileChars) this.remember(event.path, after);
      return;
    }
    const p = this.pending;
    if (event.source !== 'typing' || (p && (p.path !== event.path || event.time - p.last >= PAUSE_MS))) this.close();

    // Applied in document order, each offset moved by the changes before it.
    const changes = [...event.changes].sort((a, b) => a.offset - b.offset);
    let text = known;
    let shift = 0;
    for (const change of changes) {
      const offset = change.offset + shift;
      if (event.source === 'typing') {
        // an edit this change ends is read from the text as it stands before the change
        this.texts.set(event.path, text);
        this.track(event.path, text, offset, change, event.time);
      }
      text = text.slice(0, offset) + change.text + text.slice(offset + change.length);
      shift += change.text.length - change.length;
    }
    if (text.length > this.limits.maxFileChars) {
      this.pending = undefined;
      this.texts.delete(event.path);
      return;
    }
    this.remember(event.path, text);
  }

  /**
   * The latest edits, oldest first; the one being typed is last when `includePending`, with
   * the time of its latest keystroke.
   */
  edits(now: number, includePending = true): UserEdit[] {
    if (this.pending && now - this.pending.last >= PAUSE_MS) this.close();
    const edits = [...this.closed];
    const open = includePending && this.pending ? this.materialize(this.pending) : undefined;
    if (open) edits.push(open);
    return edits.slice(-this.limits.maxEdits);
  }

  /** Everything is forgotten (the switch was turned off). */
  clear(): void {
    this.pending = undefined;
    this.closed.length = 0;
    this.texts.clear();
  }

  /** Extends the edit in progress by one change, or ends it and starts a new one. */
  private track(path: string, text: string, offset: number, change: TextChange, time: number): void {
    const first = lineAt(text, offset);
    const last = first + countLines(text, offset, offset + change.length);
    const added = countLines(change.text, 0, change.text.length) - (last - first);
    const p = this.pending;
    if (p && p.path === path && first <= p.end && last >= p.start) {
      p.start = Math.min(p.start, first);
      p.end = Math.max(p.end, last) + added;
      p.last = time;
      return;
    }
    this.close();
    this.pending = { path, base: text, start: first, end: last + added, last: time };
  }

  /** Ends the edit in progress; it is kept when it changed something and holds no secret. */
  private close(): void {
    const p = this.pending;
    this.pending = undefined;
    const edit = p && this.materialize(p);
    if (!edit) return;
    this.closed.push(edit);
    if (this.closed.length > this.limits.maxEdits) this.closed.splice(0, this.closed.length - this.limits.maxEdits);
  }

  private materialize(p: Pending): UserEdit | undefined {
    const now = this.texts.get(p.path);
    if (now === undefined) return undefined;
    const baseLines = splitLines(p.base);
    const nowLines = splitLines(now);
    // Lines below the region moved by the difference in line count; those above did not move.
    const beforeEnd = p.end - (nowLines.length - baseLines.length);
    if (beforeEnd < p.start || p.end >= nowLines.length) return undefined;
    const oldText = baseLines.slice(p.start, beforeEnd + 1).join('\n');
    const newText = nowLines.slice(p.start, p.end + 1).join('\n');
    if (oldText === newText) return undefined;
    if (Math.max(oldText.length, newText.length) > this.limits.maxEditChars) return undefined;
    if (findSecrets(oldText).length > 0 || findSecrets(newText).length > 0) return undefined;
    return {
      path: p.path,
      before: { start: p.start, end: beforeEnd },
      after: { start: p.start, end: p.end },
      oldText,
      newText,
      time: p.last,
    };
  }

  private remember(path: string, text: string): void {
    this.texts.delete(path);
    this.texts.set(path, text);
    for (const oldest of this.texts.keys()) {
      if (this.texts.size <= this.limits.maxFiles) break;
      if (oldest !== this.pending?.path) this.texts.delete(oldest);
    }
  }
}

function definedOnly(options: EditLogOptions): Partial<typeof DEFAULTS> {
  const out: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** 0-based line of an offset. */
function lineAt(text: string, offset: number): number {
  return countLines(text, 0, offset);
}

/** Line breaks in text[from, to) ('\r\n' counts once). */
function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
