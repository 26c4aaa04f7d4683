import * as vscode from 'vscode';
import type { OndiConfig } from '../core/config';
import { waitUnlessAborted } from '../core/complete/debounce';
import { createOfferGate, type DocumentFacts, type OfferDecision } from '../core/complete/gate';
import type { CompletionEngine, CompletionRequest } from '../core/complete/types';
import type { Logger } from '../core/log';
import { toAbortSignal } from './abortSignal';

export interface InlineProviderDeps {
  readonly config: () => OndiConfig;
  /** The loaded engine; undefined while none is available (then no items are offered). */
  readonly engine: () => CompletionEngine | undefined;
  readonly log: Logger;
}

/**
 * Adapts VS Code's inline completion requests to the core pipeline. It offers only what the
 * engine produced, and any failure becomes "no items" plus a log line, never an exception in
 * the editor.
 */
export class OndiInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  private gateFor: { config: OndiConfig; gate: (document: DocumentFacts) => OfferDecision } | undefined;

  constructor(private readonly deps: InlineProviderDeps) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[]> {
    try {
      const config = this.deps.config();
      const decision = this.gate(config)({ languageId: document.languageId, path: document.uri.fsPath });
      if (!decision.offer) {
        this.deps.log.debug(`no completion for ${document.uri.fsPath}: ${decision.reason}`);
        return [];
      }
      const engine = this.deps.engine();
      if (!engine) {
        return [];
      }
      const abort = toAbortSignal(token);
      try {
        if (!(await waitUnlessAborted(config.debounceMs, abort.signal))) {
          return [];
        }
        const completion = await engine.complete(toRequest(document, position, config), abort.signal);
        if (!completion?.text || abort.signal.aborted) {
          return [];
        }
        return [new vscode.InlineCompletionItem(completion.text, new vscode.Range(position, position))];
      } finally {
        abort.dispose();
      }
    } catch (error) {
      this.deps.log.error('inline completion failed', error);
      return [];
    }
  }

  /** Reuses the compiled gate until the config object changes. */
  private gate(config: OndiConfig): (document: DocumentFacts) => OfferDecision {
    if (this.gateFor?.config !== config) {
      this.gateFor = { config, gate: createOfferGate(config) };
    }
    return this.gateFor.gate;
  }
}

function toRequest(document: vscode.TextDocument, position: vscode.Position, config: OndiConfig): CompletionRequest {
  const offset = document.offsetAt(position);
  const text = document.getText();
  return {
    prefix: text.slice(0, offset),
    suffix: text.slice(offset),
    languageId: document.languageId,
    path: document.uri.fsPath,
    position: { line: position.line, character: position.character },
    maxTokens: config.maxTokens,
  };
}
