import * as vscode from 'vscode';
import { lfSplit, toLf, withLineEnding } from '../../core/complete/lineEndings';
import { reconcileWithSuffix } from '../../core/complete/suffixReconcile';

/**
 * Where an inline item goes. At the cursor normally; while the suggest widget is open, over its
 * selected item: VS Code shows ghost text then only for an item that starts with the selected
 * item's text and whose range starts where the selected item's does and reaches at least as
 * far (InlineCompletionContext.selectedCompletionInfo). The model reads the document with the
 * selected item applied, so its completion continues what accepting the suggestion would leave.
 */
export interface Placement {
  /** The document before the completion as the model reads it ('\n' breaks). */
  readonly prefix: string;
  /** The document after what the item replaces ('\n' breaks). */
  readonly suffix: string;
  /** Where the item's range starts. */
  readonly start: vscode.Position;
  /** Where the text it replaces ends, before any closers it takes over. */
  readonly end: vscode.Position;
  /** What the item's text starts with: the selected suggestion's text, or nothing. */
  readonly lead: string;
}

/** Lines below the cursor that a block's closing lines are compared with. */
const NEXT_LINES = 8;

export function placementOf(
  document: vscode.TextDocument,
  position: vscode.Position,
  selected: vscode.SelectedCompletionInfo | undefined,
): Placement {
  // offsetAt counts each '\r\n' as two characters; lfSplit maps it into the '\n'-only text
  const text = document.getText();
  if (!selected) {
    const { prefix, suffix } = lfSplit(text, document.offsetAt(position));
    return { prefix, suffix, start: position, end: position, lead: '' };
  }
  const lead = toLf(selected.text);
  const { prefix } = lfSplit(text, document.offsetAt(selected.range.start));
  const { suffix } = lfSplit(text, document.offsetAt(selected.range.end));
  return { prefix: prefix + lead, suffix, start: selected.range.start, end: selected.range.end, lead };
}

export interface PlacedItem {
  readonly text: string;
  readonly range: vscode.Range;
}

/** The item for the pipeline's text at a placement; undefined when accepting it would change nothing. */
export function placeCompletion(
  placement: Placement,
  completion: string,
  document: vscode.TextDocument,
): PlacedItem | undefined {
  const lines = placement.suffix.split('\n', NEXT_LINES + 1);
  const fitted = reconcileWithSuffix({
    completion,
    linePrefix: placement.prefix.slice(placement.prefix.lastIndexOf('\n') + 1),
    lineSuffix: lines[0] ?? '',
    nextLines: lines.slice(1),
    lineComment: document.languageId === 'python' ? '#' : '//',
  });
  if (!fitted) return undefined;
  // the pipeline speaks '\n'; a CRLF document gets its own breaks, as typing Enter would
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  return {
    text: withLineEnding(placement.lead + fitted.text, eol),
    range: new vscode.Range(placement.start, placement.end.translate(0, fitted.replace)),
  };
}

/**
 * Items made while the suggest widget was open, by document version, cursor and selected
 * suggestion: moving back to a suggestion in the list answers at once. `undefined` is kept
 * too (the model had nothing for that suggestion).
 */
export class SelectionItems {
  private readonly entries = new Map<string, PlacedItem | undefined>();

  constructor(private readonly capacity = 64) {}

  static key(
    document: vscode.TextDocument,
    position: vscode.Position,
    selected: vscode.SelectedCompletionInfo,
  ): string {
    const r = selected.range;
    return [
      document.uri.toString(),
      document.version,
      position.line,
      position.character,
      r.start.line,
      r.start.character,
      r.end.line,
      r.end.character,
      selected.text,
    ].join('\u0000');
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): PlacedItem | undefined {
    return this.entries.get(key);
  }

  set(key: string, item: PlacedItem | undefined): void {
    this.entries.delete(key);
    this.entries.set(key, item);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
