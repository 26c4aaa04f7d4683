import type { OutcomeEvent } from './outcomes';
import type { TextPosition } from '../complete/types';

/** A completion handed to the editor (the adapter calls it "shown" when it returns the item). */
export interface ShownSuggestion {
  /** Unique per returned item; the item's accept command carries it back. */
  readonly id: string;
  /** Document identity (its URI). */
  readonly document: string;
  readonly languageId: string;
  readonly position: TextPosition;
  readonly text: string;
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
  /** Characters of the suggestion that already went in (partial accepts, typing along). */
  kept: number;
}

/**
 * Turns editor happenings into one outcome per shown suggestion, using only stable editor
 * APIs: the item's accept command (accepted), document edits that insert the start of the
 * suggestion where it stands (partially accepted, e.g. VS Code's accept-next-word, or typing
 * along), and anything else (another edit, a request elsewhere) ends it as dismissed, or as
 * partially accepted when part of it was kept. Every shown suggestion resolves exactly once.
 */
export class OutcomeTracker {
  private pending: Pending | undefined;

  constructor(private readonly emit: (event: OutcomeEvent) => void) {}

  /** A completion request arrived: if it is not where the pending suggestion stands, that one is over. */
  requested(document: string, position: TextPosition): void {
    const p = this.pending;
    if (p && (p.document !== document || !samePosition(p.position, position))) this.finish();
  }

  shown(suggestion: ShownSuggestion): void {
    const p = this.pending;
    // The same suggestion again (a re-request, or the rest of it after the user typed along):
    // still one suggestion, reachable through either item's accept command.
    if (
      p &&
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
      kept: 0,
    };
    this.emit({ kind: 'shown', languageId: suggestion.languageId, chars: suggestion.text.length });
  }

  /** The accept command of the item with this id ran. */
  accepted(id: string): void {
    const p = this.pending;
    if (p?.ids.has(id)) {
      this.resolveAccepted(p, p.kept + p.remaining.length);
    }
    // Otherwise it was counted already: Tab both inserts the rest (an edit) and runs the
    // command, and whichever of the two arrives first resolves the suggestion.
  }

  edited(document: string, changes: readonly TextChange[]): void {
    const p = this.pending;
    if (!p || p.document !== document || changes.length === 0) return;
    const change = changes.length === 1 ? changes[0] : undefined;
    const insertsHere =
      change !== undefined &&
      change.text.length > 0 &&
      samePosition(change.start, change.end) &&
      samePosition(change.start, p.position) &&
      p.remaining.startsWith(change.text);
    if (!change || !insertsHere) {
      this.finish();
      return;
    }
    p.kept += change.text.length;
    p.remaining = p.remaining.slice(change.text.length);
    p.position = advance(p.position, change.text);
    if (p.remaining === '') this.resolveAccepted(p, p.kept);
  }

  /** Ends the pending suggestion (the extension is going away). */
  dispose(): void {
    this.finish();
  }

  private resolveAccepted(p: Pending, chars: number): void {
    this.pending = undefined;
    this.emit({ kind: 'accepted', languageId: p.languageId, chars });
  }

  private finish(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.emit({ kind: p.kept > 0 ? 'partial' : 'dismissed', languageId: p.languageId, chars: p.kept });
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
