import * as vscode from 'vscode';
import type { Action } from '../../core/next/signals/actions';
import { ErrorTransitions } from '../../core/next/signals/errorTransitions';
import { workspacePath } from './workspacePaths';

/** Diagnostics settle this long before a file's error state counts (language servers re-check per keystroke). */
const SETTLE_MS = 1500;

/**
 * Watches the editor's diagnostics (vscode.languages.onDidChangeDiagnostics) and records when
 * a workspace file the user is not in gets errors, and when they are gone. Only error counts
 * are read; messages never leave VS Code.
 */
export function watchDiagnostics(record: (action: Action, uri: vscode.Uri) => void): vscode.Disposable {
  const transitions = new ErrorTransitions();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const settle = (uri: vscode.Uri, file: string): void => {
    timers.delete(uri.toString());
    const errors = vscode.languages
      .getDiagnostics(uri)
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const active = vscode.window.activeTextEditor?.document.uri.toString() === uri.toString();
    const action = transitions.update(file, errors, active);
    if (action) record(action, uri);
  };
  const listener = vscode.languages.onDidChangeDiagnostics((event) => {
    for (const uri of event.uris) {
      const file = workspacePath(uri);
      if (file === undefined) continue;
      const key = uri.toString();
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => settle(uri, file), SETTLE_MS),
      );
    }
  });
  return {
    dispose: () => {
      listener.dispose();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
