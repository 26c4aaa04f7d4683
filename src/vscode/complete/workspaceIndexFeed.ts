import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import type { CompletionEngine } from '../../core/complete/types';
import type { OndiState } from '../../core/status';
import { hiddenGlobs, localFolders } from '../personal/personalLearning';

export interface WorkspaceIndexFeedDeps {
  /** The settings as they apply (learning is off in Restricted Mode). */
  readonly config: () => OndiConfig;
  readonly engine: () => CompletionEngine | undefined;
  readonly onDidChangeState: (listener: (state: OndiState) => void) => vscode.Disposable;
}

/**
 * Keeps the engine's retrieval index (core/retrieval) over the workspace: each engine that
 * becomes ready is told the folders and the rules learning follows (`ondi.disabledGlobs`,
 * `files.exclude`, .gitignore) and indexes them in its own thread; every file or folder
 * created, changed, renamed or deleted on disk is passed on. With learning off, or in
 * Restricted Mode, the engine is told to forget the workspace: files the user did not open
 * are read only where Ondi may learn from them.
 */
export function feedWorkspaceIndex(deps: WorkspaceIndexFeedDeps): vscode.Disposable {
  let told: CompletionEngine | undefined;
  const announce = (): void => {
    const engine = deps.engine();
    told = engine;
    const config = deps.config();
    engine?.indexWorkspace?.(
      config['learning.enabled']
        ? {
            folders: localFolders().map((f) => f.uri.fsPath),
            excludeGlobs: [...config.disabledGlobs, ...hiddenGlobs()],
            respectGitignore: true,
          }
        : { folders: [], excludeGlobs: [], respectGitignore: true },
    );
  };
  const changed = (uri: vscode.Uri): void => {
    if (uri.scheme === 'file') deps.engine()?.indexFile?.(uri.fsPath);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  announce();
  return vscode.Disposable.from(
    watcher,
    watcher.onDidCreate(changed),
    watcher.onDidChange(changed),
    watcher.onDidDelete(changed),
    vscode.workspace.onDidRenameFiles((e) =>
      e.files.forEach(({ oldUri, newUri }) => {
        changed(oldUri);
        changed(newUri);
      }),
    ),
    // a new engine (loaded, or started again after a crash) starts with an empty index
    deps.onDidChangeState((state) => {
      if (state.kind === 'ready' && deps.engine() !== told) announce();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(announce),
    vscode.workspace.onDidGrantWorkspaceTrust(announce),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ondi') || e.affectsConfiguration('files.exclude')) announce();
    }),
  );
}
