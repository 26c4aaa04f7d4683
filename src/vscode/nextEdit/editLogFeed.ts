import * as vscode from 'vscode';
import type { DocumentChange, EditLog } from '../../core/nextEdit/editLog';
import { workspacePath } from '../next/workspacePaths';

export interface EditLogFeedHooks {
  /** Whether this change is Ondi's own (an applied proposal): it is not the user's edit. */
  readonly isOwnChange: (document: vscode.TextDocument) => boolean;
  /** After a change was logged (the user's, an undo or redo, or Ondi's own). */
  readonly changed: (document: vscode.TextDocument, change: DocumentChange) => void;
  /** The cursor moved in an editor. */
  readonly cursorMoved: (editor: vscode.TextEditor) => void;
}

/**
 * Feeds the edit log from the editor: the text of documents as they open (what a first edit
 * replaced must be known), every content change with its reason, cursor moves, closes.
 */
export function feedEditLog(log: EditLog, hooks: EditLogFeedHooks): vscode.Disposable {
  const know = (document: vscode.TextDocument): void => {
    const path = workspacePath(document.uri);
    if (path !== undefined) log.know({ path, languageId: document.languageId }, document.getText());
  };
  // Documents shown when Ondi starts; the others are known when they open.
  vscode.window.visibleTextEditors.forEach((editor) => know(editor.document));
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument(know),
    vscode.workspace.onDidCloseTextDocument((document) => {
      const path = workspacePath(document.uri);
      if (path !== undefined) log.forget(path);
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length === 0) return;
      const { document } = event;
      const path = workspacePath(document.uri);
      if (path === undefined) return;
      const change: DocumentChange = {
        path,
        languageId: document.languageId,
        time: Date.now(),
        changes: event.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })),
        source: hooks.isOwnChange(document)
          ? 'other'
          : event.reason === vscode.TextDocumentChangeReason.Undo
            ? 'undo'
            : event.reason === vscode.TextDocumentChangeReason.Redo
              ? 'redo'
              : 'typing',
        textAfter: () => document.getText(),
      };
      log.change(change);
      hooks.changed(document, change);
    }),
    vscode.window.onDidChangeTextEditorSelection((event) => {
      // Typing moves the cursor too, but stays on the lines being edited: only a move elsewhere ends an edit.
      const path = workspacePath(event.textEditor.document.uri);
      const active = event.selections[0]?.active;
      if (path !== undefined && active) log.cursor(path, active.line);
      hooks.cursorMoved(event.textEditor);
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) know(editor.document);
    }),
  );
}
