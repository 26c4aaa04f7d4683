import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatLearnedReport } from '../../core/adapt/learnedReport';
import type { LiftResult } from '../../core/adapt/workerProtocol';
import { LearningCancelledError } from '../../core/adapt/workerClient';
import { describeError } from '../../core/log';
import { toAbortSignal } from '../abortSignal';
import type { PersonalLearning } from './personalLearning';

/** The read-only page "Show What Ondi Learned" opens. */
export const LEARNED_URI = vscode.Uri.from({ scheme: 'ondi-learned', path: '/What Ondi Learned.md' });

/** "Show What Ondi Learned": measures the lift (cancellable) and opens the report rendered (Markdown preview). */
export async function showLearned(personal: PersonalLearning, page: LearnedPage): Promise<string> {
  const status = personal.status;
  let lift: LiftResult | undefined;
  let liftNote: string | undefined;
  if (!status.meta) {
    liftNote = undefined;
  } else {
    try {
      lift = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Ondi: measuring on your recent edits',
          cancellable: true,
        },
        async (progress, token) => {
          const abort = toAbortSignal(token);
          let reported = 0;
          try {
            return await personal.measureLift(abort.signal, (done, total) => {
              const percent = (100 * done) / Math.max(1, total);
              progress.report({ increment: percent - reported, message: `${done}/${total} completions` });
              reported = percent;
            });
          } finally {
            abort.dispose();
          }
        },
      );
    } catch (error) {
      liftNote =
        error instanceof LearningCancelledError ? 'Not measured: cancelled.' : `Not measured: ${describeError(error)}.`;
    }
    // the worker's NothingUnlearnedError arrives as its message: the page says it instead of a number
  }
  const text = formatLearnedReport({
    meta: personal.status.meta,
    file: status.file,
    fileBytes: await personal.fileBytes(),
    learning: personal.describeLearning(),
    problem: status.problem,
    lift,
    liftNote,
    now: new Date(),
  });
  page.set(text);
  await showRendered(LEARNED_URI);
  return text;
}

/**
 * Opens the page in VS Code's Markdown preview (the built-in Markdown extension reads the
 * virtual document through its content provider); where that extension is missing or
 * disabled, the Markdown source is shown instead.
 */
async function showRendered(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  if (await showPreview(uri)) return;
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** The built-in extension that owns markdown.showPreview. */
const MARKDOWN_EXTENSION = 'vscode.markdown-language-features';
/** How long the page waits for the preview's tab before it resolves anyway. */
const PREVIEW_WAIT_MS = 15_000;

/**
 * Runs markdown.showPreview and resolves once the preview's tab is the active one. The command
 * is not listed until the Markdown extension has activated (its activation on the language
 * change may still be under way), so it is activated first; and the command returns before
 * the preview's panel exists, so the tab is waited for. False where there is no preview.
 */
async function showPreview(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.extensions.getExtension(MARKDOWN_EXTENSION)?.activate();
  } catch {
    // the command below says whether a preview can open
  }
  const title = `Preview ${path.posix.basename(uri.path)}`;
  const shown = (): boolean =>
    vscode.window.tabGroups.all.some((group) =>
      group.tabs.some(
        (tab) =>
          tab.isActive &&
          tab.label === title &&
          tab.input instanceof vscode.TabInputWebview &&
          tab.input.viewType.includes('markdown.preview'),
      ),
    );
  let subscription: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const opened = new Promise<void>((resolve) => {
    subscription = vscode.window.tabGroups.onDidChangeTabs(() => shown() && resolve());
    timer = setTimeout(resolve, PREVIEW_WAIT_MS);
  });
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    if (!shown()) await opened;
    return true;
  } catch {
    return false;
  } finally {
    subscription?.dispose();
    clearTimeout(timer);
  }
}

/** Serves the page's current text; fires a change so an open editor refreshes. */
export class LearnedPage implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(text: string): void {
    this.text = text;
    this.changed.fire(LEARNED_URI);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  /** Serves the page's scheme. */
  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(LEARNED_URI.scheme, this);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
