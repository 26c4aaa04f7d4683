import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import { TypingCadence, waitUnlessAborted } from '../../core/complete/debounce';
import { createOfferGate, type DocumentFacts, type OfferDecision } from '../../core/complete/gate';
import type { OutcomeTracker } from '../../core/outcomes/outcomeTracker';
import type { CompletionEngine } from '../../core/complete/types';
import type { Logger } from '../../core/log';
import {
  RequestTiming,
  type TimingOutcome,
  type TimingRecord,
  type TimingStart,
} from '../../core/complete/requestTiming';
import { toAbortSignal } from '../abortSignal';
import { completionRequest } from './completionRequest';
import { acceptCommand } from './outcomeWatcher';
import { placeCompletion, placementOf, SelectionItems, type PlacedItem } from './itemPlacement';

export interface InlineProviderDeps {
  readonly config: () => OndiConfig;
  /** The loaded engine; undefined while none is available (then no items are offered). */
  readonly engine: () => CompletionEngine | undefined;
  /** Hears every request and every suggestion handed out, to tell what became of it. */
  readonly outcomes: OutcomeTracker;
  /** Engine milliseconds of each model call that returned a suggestion (not of cached repeats). */
  readonly latency: (ms: number) => void;
  readonly log: Logger;
  /** Hears one record per request, when something measures (ONDI_TIMING_FILE); absent: nothing is timed. */
  readonly timing?: (record: TimingRecord) => void;
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
  private readonly selections = new SelectionItems();
  private requests = 0;

  constructor(private readonly deps: InlineProviderDeps) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[]> {
    const calledAt = Date.now();
    let timing: RequestTiming | undefined;
    let outcome: TimingOutcome = 'failed';
    let chars: number | undefined;
    try {
      const at = { line: position.line, character: position.character };
      this.deps.outcomes.requested(document.uri.toString(), at, document.languageId);
      const config = this.deps.config();
      // Asked for explicitly (Alt+\): answer at once; while typing, wait as long as the
      // user's cadence says a further keystroke is likely.
      const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
      const waitMs = explicit ? 0 : this.cadence.delay(calledAt, config.debounceMs);
      timing = this.startTiming({ path: document.uri.fsPath, ...at, explicit, waitMs, calledAt });
      const decision = this.gate(config)({ languageId: document.languageId, path: document.uri.fsPath });
      if (!decision.offer) {
        this.deps.log.debug(`no completion for ${document.uri.fsPath}: ${decision.reason}`);
        outcome = 'gated';
        return [];
      }
      const engine = this.deps.engine();
      if (!engine) {
        outcome = 'no-engine';
        return [];
      }
      // The suggest widget is open: complete what accepting its selected item would leave, and
      // answer a suggestion the user moved back to from memory.
      const selected = context.selectedCompletionInfo;
      const selectionKey = selected ? SelectionItems.key(document, position, selected) : undefined;
      if (selectionKey !== undefined && this.selections.has(selectionKey)) {
        const remembered = this.selections.get(selectionKey);
        outcome = remembered ? 'shown' : 'empty';
        chars = remembered?.text.length;
        return remembered ? [this.handOut(document, position, remembered, true).item] : [];
      }
      const abort = toAbortSignal(token);
      try {
        if (!(await waitUnlessAborted(waitMs, abort.signal))) {
          outcome = 'cancelled';
          return [];
        }
        timing?.waited();
        const placement = placementOf(document, position, selected);
        const completion = await engine.complete(
          completionRequest(document, position, config.maxTokens, placement),
          abort.signal,
          timing,
        );
        // a model call's engine time, shown or not; a cached repeat is no model call
        if (completion && !completion.cached) this.deps.latency(completion.ms);
        if (abort.signal.aborted) {
          outcome = 'cancelled';
          return [];
        }
        // fitted to the closers right of the cursor, so accepting leaves no `)` or `}` twice
        const placed = completion?.text ? placeCompletion(placement, completion.text, document) : undefined;
        if (selectionKey !== undefined) this.selections.set(selectionKey, placed);
        if (!completion || !placed) {
          outcome = 'empty';
          return [];
        }
        const { item, id } = this.handOut(document, position, placed, completion.cached === true);
        this.deps.log.debug(`completion ${id} after ${waitMs} ms wait, ${completion.ms.toFixed(1)} ms engine`);
        outcome = 'shown';
        chars = placed.text.length;
        return [item];
      } finally {
        abort.dispose();
      }
    } catch (error) {
      this.deps.log.error('inline completion failed', error);
      return [];
    } finally {
      timing?.finish(outcome, chars);
    }
  }

  /** Counts the item as shown and gives it the accept command that reports it. */
  private handOut(
    document: vscode.TextDocument,
    position: vscode.Position,
    placed: PlacedItem,
    cached: boolean,
  ): { item: vscode.InlineCompletionItem; id: string } {
    const id = `${++this.nextId}`;
    // the tracker follows what the item adds from the cursor on (over the widget's selected
    // item, what the user typed of it is already in the document)
    const typed = document.getText(new vscode.Range(placed.range.start, position));
    this.deps.outcomes.shown({
      id,
      document: document.uri.toString(),
      languageId: document.languageId,
      position: { line: position.line, character: position.character },
      text: placed.text.startsWith(typed) ? placed.text.slice(typed.length) : placed.text,
      source: cached ? 'cached' : 'model',
    });
    const item = new vscode.InlineCompletionItem(placed.text, placed.range);
    item.command = acceptCommand(id);
    return { item, id };
  }

  /** A timing for this request, when something listens for one. */
  private startTiming(start: Omit<TimingStart, 'id'>): RequestTiming | undefined {
    const sink = this.deps.timing;
    return sink ? new RequestTiming({ id: ++this.requests, ...start }, sink) : undefined;
  }

  /** Reuses the compiled gate until the config object changes. */
  private gate(config: OndiConfig): (document: DocumentFacts) => OfferDecision {
    if (this.gateFor?.config !== config) {
      this.gateFor = { config, gate: createOfferGate(config) };
    }
    return this.gateFor.gate;
  }
}
