import type { OutcomeEvent } from './outcomes';
import type { TextPosition } from '../complete/types';
import { insertionKind } from './insertionKind';

/** A completion handed to the editor (the adapter calls it "shown" when it returns the item). */
export interface ShownSuggestion {
  /** Unique per returned item; the item's accept command carries it back. */
  readonly id: string;
  /** Document identity (its URI). */
  readonly document: string;
  readonly languageId: string;
  readonly position: TextPosition;
  readonly text: string;
  /** The answer of a model call, or a repeat served from the suggestion cache (default: model). */
  readonly source?: 'model' | 'cached';
}

/** One change of a document's text, in the coordinates before the change. */
export interface TextChange {
  readonly start: TextPosition;
  readonly end: TextPosition;
  readonly text: string;
}

interface Pending {
  readonly ids: Set<string>;
  readonly document: string;
  readonly languageId: string;
  /** Where the rest of the suggestion would be inserted now. */
  position: TextPosition;
  /** The part not yet in the document. */
  remaining: string;
  /** Characters of it the user typed by hand. */
  typed: number;
  /** A word or line accept took part of it. */
  taken: boolean;
  /** One edit inserted all the rest: Tab, when the item's accept command follows. */
  insertedRest: number | undefined;
}

/**
 * Turns editor happenings into counts, using only stable editor APIs. Every display is
 * reported (`shown`, with its source); every accept action as it happens (Tab through the
 * item's accept command; accept-next-word and accept-next-line told from the edit's shape,
 * insertionKind.ts); and each suggestion, when it goes away (another edit, a request elsewhere,
 * a different suggestion), as typed along (the user typed some of it by hand) or dismissed
 * (nothing of it was taken). A repeat of the suggestion on screen (the cached rest after typing
 * along, the same answer asked for again) is a display of the same suggestion.
 */
export class OutcomeTracker {
  private pending: Pending | undefined;

  constructor(private readonly emit: (event: OutcomeEvent) => void) {}

  /** A completion request arrived: if it is not where the pending suggestion stands, that one is over. */
  requested(document: string, position: TextPosition, languageId?: string): void {
    if (languageId !== undefined) this.emit({ kind: 'request', languageId, chars: 0 });
    const p = this.pending;
    if (p && (p.document !== document || !samePosition(p.position, position))) this.finish();
  }

  shown(suggestion: ShownSuggestion): void {
    this.emit({
      kind: 'shown',
      languageId: suggestion.languageId,
      chars: suggestion.text.length,
      source: suggestion.source ?? 'model',
    });
    const p = this.pending;
    if (
      p &&
      p.insertedRest === undefined &&
      p.document === suggestion.document &&
      samePosition(p.position, suggestion.position) &&
      p.remaining === suggestion.text
    ) {
      p.ids.add(suggestion.id);
      return;
    }
    this.finish();
    this.pending = {
      ids: new Set([suggestion.id]),
      document: suggestion.document,
      languageId: suggestion.languageId,
      position: suggestion.position,
      remaining: suggestion.text,
      typed: 0,
      taken: false,
      insertedRest: undefined,
    };
  }

  /** The accept command of the item with this id ran: Tab (or a word or line accept VS Code made whole). */
  accepted(id: string): void {
    const p = this.pending;
    if (!p?.ids.has(id)) return; // counted already, or a suggestion no longer held
    this.pending = undefined;
    this.emit({ kind: 'accepted', how: 'tab', languageId: p.languageId, chars: p.insertedRest ?? p.remaining.length });
    if (p.typed > 0) this.emit({ kind: 'typedAlong', languageId: p.languageId, chars: p.typed });
  }

  edited(document: string, changes: readonly TextChange[]): void {
    const p = this.pending;
    if (!p || p.document !== document || changes.length === 0) return;
    const change = changes.length === 1 ? changes[0] : undefined;
    const insertsHere =
      p.insertedRest === undefined &&
      change !== undefined &&
      change.text.length > 0 &&
      samePosition(change.start, change.end) &&
      samePosition(change.start, p.position) &&
      p.remaining.startsWith(change.text);
    if (!change || !insertsHere) {
      this.finish();
      return;
    }
    const text = change.text;
    const ghost = p.remaining;
    p.remaining = ghost.slice(text.length);
    p.position = advance(p.position, text);
    if (p.remaining === '' && text.length > 1) {
      // Tab's edit: its command comes next and counts it
      p.insertedRest = text.length;
      return;
    }
    const kind = insertionKind(text, ghost);
    if (kind === 'typed') {
      p.typed += text.length;
    } else {
      p.taken = true;
      this.emit({ kind: 'accepted', how: kind, languageId: p.languageId, chars: text.length });
    }
    if (p.remaining === '') this.finish();
  }

  /** Ends the pending suggestion (the extension is going away). */
  dispose(): void {
    this.finish();
  }

  private finish(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    // all the rest went in at once but no accept command came: pasted or typed, not accepted
    const typed = p.typed + (p.insertedRest ?? 0);
    if (typed > 0) this.emit({ kind: 'typedAlong', languageId: p.languageId, chars: typed });
    else if (!p.taken) this.emit({ kind: 'dismissed', languageId: p.languageId, chars: 0 });
  }
}

function samePosition(a: TextPosition, b: TextPosition): boolean {
  return a.line === b.line && a.character === b.character;
}

function advance(position: TextPosition, text: string): TextPosition {
  const lines = text.split('\n');
  if (lines.length === 1) return { line: position.line, character: position.character + text.length };
  return { line: position.line + lines.length - 1, character: (lines[lines.length - 1] ?? '').length };
}
