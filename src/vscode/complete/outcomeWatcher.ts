import * as vscode from 'vscode';
import type { OutcomeTracker, TextChange } from '../../core/outcomes/outcomeTracker';
import { COMMAND_IDS } from '../commandIds';

/**
 * Feeds the outcome tracker from stable editor APIs only: the accept command that every Ondi
 * item carries, and document edits (partial accepts and anything that ends a suggestion).
 */
export function watchOutcomes(tracker: OutcomeTracker): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMAND_IDS.completionAccepted, (id: unknown) => {
      if (typeof id === 'string') tracker.accepted(id);
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0) {
        tracker.edited(event.document.uri.toString(), event.contentChanges.map(toTextChange));
      }
    }),
    { dispose: () => tracker.dispose() },
  );
}

/** The accept command an item carries, so the tracker hears which suggestion was taken. */
export function acceptCommand(id: string): vscode.Command {
  return { command: COMMAND_IDS.completionAccepted, title: 'Ondi: completion accepted', arguments: [id] };
}

function toTextChange(change: vscode.TextDocumentContentChangeEvent): TextChange {
  return {
    start: { line: change.range.start.line, character: change.range.start.character },
    end: { line: change.range.end.line, character: change.range.end.character },
    text: change.text,
  };
}
