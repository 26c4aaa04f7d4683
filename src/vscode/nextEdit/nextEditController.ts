import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { DocumentChange, EditLog } from '../../core/nextEdit/editLog';
import type { EditCandidate, UserEdit } from '../../core/nextEdit/types';
import { workspacePath, workspaceUri } from '../next/workspacePaths';
import type { NextEditMarker } from './nextEditMarker';

/** The predictor as the editor uses it (src/core/nextEdit/nextEditPredictor.ts). */
export interface EditPredictor {
  predict(
    recent: readonly UserEdit[],
    limit?: number,
    signal?: AbortSignal,
  ): readonly EditCandidate[] | Promise<readonly EditCandidate[]>;
  feedback(candidate: EditCandidate, taken: boolean): void;
}

export interface NextEditControllerDeps {
  readonly log: Logger;
  readonly editLog: EditLog;
  readonly predictor: EditPredictor;
  /** Whether a candidate's file may be shown (readable, followed); drops the reads of the last prediction on `fresh`. */
  readonly reader: { read(path: string): string | undefined; fresh(): void };
  readonly marker: NextEditMarker;
  /** ondi.nextEdit.enabled. */
  readonly enabled: () => boolean;
}

/** Typing must have paused this long before Ondi predicts (a keystroke cancels the prediction). */
export const SETTLE_MS = 300;
const LIMIT = 5;

export const CONTEXT_KEYS = {
  /** A next edit is shown somewhere and Tab goes there. */
  available: 'ondi.nextEditAvailable',
  /** The cursor is at the shown candidate and it has a proposal: Tab applies it. */
  atProposal: 'ondi.nextEditAtProposal',
  /** The marker or its status bar line shows: Esc dismisses it. */
  markerVisible: 'ondi.nextEditMarkerVisible',
} as const;

/** What "Ondi: Next Edit" returns to callers that ask to inspect instead of pick (the tests). */
export interface NextEditState {
  readonly edits: readonly UserEdit[];
  readonly candidates: readonly EditCandidate[];
  /** Milliseconds from the edit settling to the marker shown, for the latest prediction. */
  readonly latencyMs: number | undefined;
  readonly predictions: number;
}

/**
 * Predicts the next edit once typing settles (never on the typing path: a keystroke cancels a
 * prediction in progress and hides the marker), shows the best candidate, and does what the
 * user asks of it: go there, apply its proposal, dismiss it. It never moves the cursor by
 * itself. The predictor hears once per shown candidate whether it was taken: gone to by Tab,
 * applied, or edited by hand (taken), dismissed or passed over by an edit elsewhere (not).
 */
export class NextEditController implements vscode.Disposable {
  private candidates: readonly EditCandidate[] = [];
  /** The shown candidate's outcome was told to the predictor. */
  private told = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;
  /** The document Ondi is changing itself (an applied proposal), as a URI string. */
  private applying: string | undefined;
  private readonly keys = new Map<string, boolean>();
  private latencyMs: number | undefined;
  private predictions = 0;
  private disposed = false;

  constructor(private readonly deps: NextEditControllerDeps) {}

  get shown(): EditCandidate | undefined {
    return this.candidates[0];
  }

  state(): NextEditState {
    return {
      edits: this.deps.editLog.edits(Date.now()),
      candidates: this.candidates,
      latencyMs: this.latencyMs,
      predictions: this.predictions,
    };
  }

  isOwnChange(document: vscode.TextDocument): boolean {
    return this.applying === document.uri.toString();
  }

  /** A document changed; the edit log has it already. */
  changed(document: vscode.TextDocument, change: DocumentChange): void {
    this.cancel();
    const shown = this.shown;
    if (shown && change.source === 'typing') {
      const first = Math.min(...change.changes.map((c) => c.offset));
      const onIt = change.path === shown.path && document.positionAt(first).line === shown.line;
      this.tell(shown, onIt);
    }
    if (change.source !== 'other') this.clear();
    if (change.source === 'typing' && this.deps.editLog.follows(change)) this.schedule();
  }

  /** Settings changed: switched off, everything shown and logged goes. */
  configChanged(): void {
    if (this.deps.enabled()) return;
    this.cancel();
    this.clear();
    this.deps.editLog.clear();
  }

  /** Predicts after SETTLE_MS without typing. */
  schedule(delayMs = SETTLE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.predict().catch((error: unknown) => this.deps.log.error('next edit: prediction failed', error));
    }, delayMs);
  }

  /** Asks the predictor now and shows its best candidate; resolves with all it found. */
  async predict(): Promise<readonly EditCandidate[]> {
    if (!this.deps.enabled() || this.disposed) return [];
    const settled = performance.now();
    const recent = this.deps.editLog.edits(Date.now());
    if (recent.length === 0) return [];
    this.running?.abort();
    const running = new AbortController();
    this.running = running;
    this.deps.reader.fresh();
    try {
      const found = await this.deps.predictor.predict(recent, LIMIT, running.signal);
      if (running.signal.aborted || this.disposed) return [];
      const predicted = performance.now();
      this.candidates = found.filter((c) => this.deps.reader.read(c.path) !== undefined);
      this.told = false;
      this.predictions++;
      this.render();
      const shownAt = performance.now();
      this.latencyMs = shownAt - settled;
      const top = this.shown;
      this.deps.log.debug(
        `next edit: ${this.candidates.length} candidate(s)` +
          (top ? `, top ${top.kind} at ${top.path}:${top.line + 1}${top.proposal ? ' with a proposal' : ''}` : '') +
          `; marker shown ${this.latencyMs.toFixed(1)} ms after the edit settled (predictor ${(predicted - settled).toFixed(1)} ms)`,
      );
      return this.candidates;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** Puts `candidate` first (a pick in "Ondi: Next Edit"). */
  choose(candidate: EditCandidate): void {
    this.candidates = [candidate, ...this.candidates.filter((c) => c !== candidate)];
    this.told = false;
    this.render();
  }

  /** Tab: opens the shown candidate's file and puts the cursor at the place. */
  async jump(): Promise<boolean> {
    const candidate = this.shown;
    const uri = candidate && workspaceUri(candidate.path);
    if (!candidate || !uri) return false;
    // Tab pressed at the place before its context key arrived is the second Tab
    if (this.atProposal()) return this.apply();
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    if (this.shown !== candidate) return false;
    const line = Math.min(candidate.line, document.lineCount - 1);
    const at = new vscode.Position(line, columnOf(candidate, document.lineAt(line).text));
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    // With a proposal, the outcome is whether Tab applies it there.
    if (!candidate.proposal) this.tell(candidate, true);
    this.render();
    return true;
  }

  /** Tab at the place: replaces the proposal's lines with its text; then predicts again. */
  async apply(): Promise<boolean> {
    const candidate = this.shown;
    const proposal = candidate?.proposal;
    const editor = vscode.window.activeTextEditor;
    if (!candidate || !proposal || !editor || workspacePath(editor.document.uri) !== candidate.path) return false;
    const document = editor.document;
    if (proposal.lines.end >= document.lineCount) return false;
    const range = new vscode.Range(
      proposal.lines.start,
      0,
      proposal.lines.end,
      document.lineAt(proposal.lines.end).text.length,
    );
    const text = document.eol === vscode.EndOfLine.CRLF ? proposal.newText.replace(/\n/g, '\r\n') : proposal.newText;
    this.tell(candidate, true);
    this.clear();
    this.applying = document.uri.toString();
    let applied: boolean;
    try {
      applied = await editor.edit((edit) => edit.replace(range, text));
    } finally {
      this.applying = undefined;
    }
    this.deps.log.info(
      `next edit: applied the proposal at ${candidate.path}:${candidate.line + 1} (${candidate.kind})`,
    );
    // The same change may be due elsewhere (the next call site): the user's edits are unchanged.
    if (applied) this.schedule();
    return applied;
  }

  /** Esc: hides the candidate until the next edit. */
  dismiss(): boolean {
    const candidate = this.shown;
    if (!candidate) return false;
    this.tell(candidate, false);
    this.cancel();
    this.clear();
    return true;
  }

  /** Draws the shown candidate and sets the context keys Tab and Esc depend on. */
  render(): void {
    const candidate = this.shown;
    const editor = vscode.window.activeTextEditor;
    const here =
      candidate !== undefined && editor !== undefined && workspacePath(editor.document.uri) === candidate.path;
    const atLine = here && editor.selection.active.line === candidate.line;
    const atProposal = this.atProposal();
    // The keys first, so Tab means what the marker says as soon as it shows.
    this.setKey(CONTEXT_KEYS.markerVisible, candidate !== undefined);
    // At the place without a proposal, Tab is the editor's again.
    this.setKey(CONTEXT_KEYS.available, candidate !== undefined && !(atLine && !candidate.proposal));
    this.setKey(CONTEXT_KEYS.atProposal, atProposal);
    this.deps.marker.show(candidate, atProposal);
  }

  /** Whether the cursor is on the lines of the shown candidate's proposal. */
  private atProposal(): boolean {
    const proposal = this.shown?.proposal;
    const editor = vscode.window.activeTextEditor;
    if (!proposal || !editor || workspacePath(editor.document.uri) !== this.shown?.path) return false;
    const line = editor.selection.active.line;
    return proposal.lines.start <= line && line <= proposal.lines.end;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.clear();
  }

  private tell(candidate: EditCandidate, taken: boolean): void {
    if (this.told || candidate !== this.shown) return;
    this.told = true;
    try {
      this.deps.predictor.feedback(candidate, taken);
    } catch (error) {
      this.deps.log.error('next edit: the predictor could not learn from the outcome', error);
    }
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort();
  }

  private clear(): void {
    if (this.candidates.length === 0 && ![...this.keys.values()].some(Boolean)) return;
    this.candidates = [];
    this.render();
  }

  private setKey(key: string, value: boolean): void {
    if (this.keys.get(key) === value) return;
    this.keys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}

/** Where the cursor goes on the line: the first character the proposal changes, else the line's first non-blank. */
function columnOf(candidate: EditCandidate, text: string): number {
  const proposal = candidate.proposal;
  if (proposal && proposal.lines.start === candidate.line) {
    const next = proposal.newText.split('\n')[0] ?? '';
    let i = 0;
    while (i < text.length && i < next.length && text[i] === next[i]) i++;
    while (i > 0 && /[\w$]/.test(text.charAt(i - 1))) i--; // the start of the word it changes
    if (i < text.length || i < next.length) return Math.max(0, Math.min(i, text.length));
  }
  return text.length - text.trimStart().length;
}
