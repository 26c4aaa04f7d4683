import * as vscode from 'vscode';
import type { CompletionRequest } from '../../core/complete/types';
import { placementOf, type Placement } from './itemPlacement';

/**
 * The pipeline's request for a placement: at the cursor, or after the suggest widget's
 * selected item applied ('\n'-only text either way).
 */
export function completionRequest(
  document: vscode.TextDocument,
  position: vscode.Position,
  maxTokens: number,
  placement: Placement = placementOf(document, position, undefined),
): CompletionRequest {
  const { prefix, suffix, start, lead } = placement;
  return {
    prefix,
    suffix,
    languageId: document.languageId,
    path: document.uri.fsPath,
    position: lead.includes('\n')
      ? { line: position.line, character: position.character }
      : { line: start.line, character: start.character + lead.length },
    maxTokens,
  };
}
