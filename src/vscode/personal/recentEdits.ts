import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { RecentText } from '../../core/adapt/workerProtocol';
import { isSourceName } from '../../core/privacy/sourceFiles';

/** Documents remembered; the oldest edit is forgotten first. */
const MAX_DOCUMENTS = 20;
/** Lines of context kept around an edited span. */
const CONTEXT_LINES = 15;
/** An edited span longer than this is cut to its last lines. */
const MAX_SPAN_LINES = 200;

interface Span {
  first: number;
  last: number;
  at: number;
}

/**
 * What the user wrote lately, in this session: the edited stretch of each recently changed
 * source file (accepted completions included, as they are edits too), for the learning
 * worker to learn first and weigh higher. Memory only; the worker re-checks every path
 * against the privacy rules and redacts secrets. Also tells the scheduler that the user is
 * typing, and counts saves as changes worth learning.
 */
export class RecentEdits implements vscode.Disposable {
  private readonly spans = new Map<string, Span>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly onTyping: () => void,
    private readonly onSaved: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length === 0) return;
        const doc = event.document;
        if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
        this.onTyping();
        if (doc.uri.scheme !== 'file' || !isSourceName(doc.uri.fsPath) || !vscode.workspace.getWorkspaceFolder(doc.uri))
          return;
        for (const change of event.contentChanges) this.record(doc.uri.fsPath, change);
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.uri.scheme === 'file' && isSourceName(doc.uri.fsPath) && vscode.workspace.getWorkspaceFolder(doc.uri))
          this.onSaved();
      }),
    ];
  }

  /**
   * The remembered spans with their current text, most recent first. Files deleted meanwhile
   * are left out (VS Code keeps a closed document's text alive for a while).
   */
  async snapshot(): Promise<RecentText[]> {
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
    for (const file of [...this.spans.keys()]) {
      if (
        !(await fs.access(file).then(
          () => true,
          () => false,
        ))
      )
        this.spans.delete(file);
    }
    return [...this.spans.entries()]
      .sort((a, b) => b[1].at - a[1].at)
      .flatMap(([file, span]) => {
        const doc = open.get(file);
        if (!doc || doc.isClosed) return [];
        const last = Math.min(doc.lineCount - 1, span.last + CONTEXT_LINES);
        const first = Math.max(0, span.first - CONTEXT_LINES, last - MAX_SPAN_LINES);
        const text = doc.getText(new vscode.Range(first, 0, last, doc.lineAt(last).text.length));
        return text.trim() === '' ? [] : [{ path: file, text }];
      });
  }

  get size(): number {
    return this.spans.size;
  }

  /** Forgets everything (the personal model was reset). */
  clear(): void {
    this.spans.clear();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.spans.clear();
  }

  private record(file: string, change: vscode.TextDocumentContentChangeEvent): void {
    const first = change.range.start.line;
    const last = first + change.text.split('\n').length - 1;
    const span = this.spans.get(file);
    this.spans.delete(file); // re-inserted as the newest
    this.spans.set(
      file,
      span
        ? { first: Math.min(span.first, first), last: Math.max(span.last, last), at: this.now() }
        : { first, last, at: this.now() },
    );
    if (this.spans.size > MAX_DOCUMENTS) {
      const oldest = [...this.spans.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (oldest) this.spans.delete(oldest[0]);
    }
  }
}
