import * as vscode from 'vscode';
import type { NextStepSession } from '../../core/next/nextStepSession';
import { workspacePath, workspaceUri } from './workspacePaths';

/** Only files this likely to change together with the open one get a link. */
const MIN_PROBABILITY = 0.3;
const MAX_LINKS = 2;

/**
 * "Open related: cart.test.ts" links at the top of a file, for the files that usually change
 * with it (from the co-change graph and source/test pairs), where a next file helps most.
 */
export class RelatedFilesCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly session: () => NextStepSession | undefined) {}

  /** Asks the editor to ask again (after a commit or the history was forgotten). */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const file = workspacePath(document.uri);
    const session = this.session();
    if (file === undefined || !session) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return session
      .relatedFiles(file, MAX_LINKS)
      .filter((related) => related.probability >= MIN_PROBABILITY)
      .flatMap((related) => {
        const uri = workspaceUri(related.file);
        const name = related.file.slice(related.file.lastIndexOf('/') + 1);
        return uri
          ? [
              new vscode.CodeLens(top, {
                title: `$(go-to-file) Open related: ${name}`,
                tooltip: related.reason,
                command: 'vscode.open',
                arguments: [uri],
              }),
            ]
          : [];
      });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
