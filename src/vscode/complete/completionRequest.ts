import * as vscode from 'vscode';
import { lfSplit } from '../../core/complete/lineEndings';
import type { CompletionRequest } from '../../core/complete/types';

/** The pipeline's view of a spot in a document: '\n'-only text split at the cursor. */
export function completionRequest(
  document: vscode.TextDocument,
  position: vscode.Position,
  maxTokens: number,
): CompletionRequest {
  // offsetAt counts each '\r\n' as two characters; lfSplit maps it into the '\n'-only text
  const { prefix, suffix } = lfSplit(document.getText(), document.offsetAt(position));
  return {
    prefix,
    suffix,
    languageId: document.languageId,
    path: document.uri.fsPath,
    position: { line: position.line, character: position.character },
    maxTokens,
  };
}
