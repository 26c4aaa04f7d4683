import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import { createOfferGate } from '../../core/complete/gate';
import { MAX_FILE_CHARS } from '../../core/complete/recentFiles';
import type { CompletionEngine } from '../../core/complete/types';
import { createPathExcluder } from '../../core/privacy/globs';
import { NEVER_LEARN } from '../../core/privacy/neverLearn';

export interface RecentFilesFeedDeps {
  readonly config: () => OndiConfig;
  readonly engine: () => CompletionEngine | undefined;
}

/**
 * Tells the engine which files the user works in, so their code can lend snippets to the next
 * file: the file left when another editor comes to the front, and every file saved. Only files
 * Ondi would complete in, never files that look like secrets. A file deleted or renamed on disk
 * (or a folder holding it) is forgotten: its code no longer exists to be written again.
 */
export function feedRecentFiles(deps: RecentFilesFeedDeps): vscode.Disposable {
  const secret = createPathExcluder(NEVER_LEARN);
  const send = (document: vscode.TextDocument | undefined): void => {
    if (!document || document.isClosed || document.uri.scheme !== 'file') return;
    const path = document.uri.fsPath;
    if (secret(path) || !createOfferGate(deps.config())({ languageId: document.languageId, path }).offer) return;
    const text = document.getText();
    // a minified bundle or a data file would lend nothing and cost a copy to the engine
    if (text.length <= MAX_FILE_CHARS) deps.engine()?.noteFile?.(path, text);
  };
  let current = vscode.window.activeTextEditor?.document;
  const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
  return vscode.Disposable.from(
    deletions,
    deletions.onDidDelete((uri) => {
      if (uri.scheme === 'file') deps.engine()?.noteFile?.(uri.fsPath, '');
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor?.document === current) return;
      send(current);
      current = editor?.document;
    }),
    vscode.workspace.onDidSaveTextDocument(send),
  );
}
