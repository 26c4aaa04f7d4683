import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import { TypingCadence, waitUnlessAborted } from '../../core/complete/debounce';
import { createOfferGate, type DocumentFacts, type OfferDecision } from '../../core/complete/gate';
import { lfSplit, withLineEnding } from '../../core/complete/lineEndings';
import type { OutcomeTracker } from '../../core/outcomes/outcomeTracker';
import type { CompletionEngine, CompletionRequest } from '../../core/complete/types';
import type { Logger } from '../../core/log';
import { toAbortSignal } from '../abortSignal';
import { acceptCommand } from './outcomeWatcher';

export interface InlineProviderDeps {
  readonly config: () => OndiConfig;
  /** The loaded engine; undefined while none is available (then no items are offered). */
  readonly engine: () => CompletionEngine | undefined;
  /** Hears every request and every suggestion handed out, to tell what became of it. */
  readonly outcomes: OutcomeTracker;
  /** Engine milliseconds of each completion handed out. */
  readonly latency: (ms: number) => void;
  readonly log: Logger;
}

/**
 * Adapts VS Code's inline completion requests to the core pipeline. It offers only what the
 * engine produced, and any failure becomes "no items" plus a log line, never an exception in
 * the editor.
 */
export class OndiInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  private gateFor: { config: OndiConfig; gate: (document: DocumentFacts) => OfferDecision } | undefined;
  private readonly cadence = new TypingCadence();
  private nextId = 0;

  constructor(private readonly deps: InlineProviderDeps) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[]> {
    try {
      const at = { line: position.line, character: position.character };
      this.deps.outcomes.requested(document.uri.toString(), at);
      const config = this.deps.config();
      // Asked for explicitly (Alt+\): answer at once; while typing, wait as long as the
      // user's cadence says a further keystroke is likely.
      const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
      const waitMs = explicit ? 0 : this.cadence.delay(Date.now(), config.debounceMs);
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
        if (!(await waitUnlessAborted(waitMs, abort.signal))) {
          return [];
        }
        const completion = await engine.complete(toRequest(document, position, config), abort.signal);
        if (!completion?.text || abort.signal.aborted) {
          return [];
        }
        // the pipeline speaks '\n'; a CRLF document gets its own breaks, as typing Enter would
        const text = withLineEnding(completion.text, document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
        const id = `${++this.nextId}`;
        this.deps.outcomes.shown({
          id,
          document: document.uri.toString(),
          languageId: document.languageId,
          position: at,
          text,
        });
        this.deps.latency(completion.ms);
        this.deps.log.debug(`completion ${id} after ${waitMs} ms wait, ${completion.ms.toFixed(1)} ms engine`);
        const item = new vscode.InlineCompletionItem(text, new vscode.Range(position, position));
        item.command = acceptCommand(id);
        return [item];
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
  // offsetAt counts each '\r\n' as two characters; lfSplit maps it into the '\n'-only text
  const { prefix, suffix } = lfSplit(document.getText(), document.offsetAt(position));
  return {
    prefix,
    suffix,
    languageId: document.languageId,
    path: document.uri.fsPath,
    position: { line: position.line, character: position.character },
    maxTokens: config.maxTokens,
  };
}
