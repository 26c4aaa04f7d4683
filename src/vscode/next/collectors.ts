import * as vscode from 'vscode';
import { SerialQueue } from '../../core/base/serialQueue';
import type { Logger } from '../../core/log';
import type { Action } from '../../core/next/signals/actions';
import { OpenConfirmation, type SelectionKind } from '../../core/next/signals/openConfirmation';
import { normalizeCommand } from '../../core/next/signals/shellCommand';
import { watchDiagnostics } from './diagnosticsCollector';
import type { GitApi, GitRepository } from './gitApi';
import { taskLabel, workspacePath } from './workspacePaths';

/**
 * Turns editor events into next-step actions, through stable VS Code APIs only: documents
 * (edit, undo and redo, save), the active editor and how its selection changed, diagnostics,
 * file operations, tasks, terminal shell integration, debug sessions and the built-in git
 * extension. VS Code has no event for arbitrary commands, so those are not observed.
 */
export interface CollectorSink {
  record(action: Action): void;
  /** The editor shows this file now (not yet a step: see OpenConfirmation). */
  focus(file: string | undefined): void;
  learnCommit(files: readonly string[], deleted: readonly string[]): void;
  /** The files of the commit just made at `root` (read from git). */
  readLatestCommit(
    root: string,
  ): Promise<{ files: readonly string[]; deleted: readonly string[]; time: number } | undefined>;
}

/** A commit is only "just made" by the user if its author time is this recent (pulls bring older ones). */
const FRESH_COMMIT_SECONDS = 120;

export function startCollectors(sink: CollectorSink, git: GitApi | undefined, log: Logger): vscode.Disposable {
  const ignored = gitIgnoreFilter(git);
  // Actions go through one queue so the asynchronous git-ignore check never reorders them.
  const queue = new SerialQueue();
  const record = (action: Action, uri?: vscode.Uri): void => {
    queue
      .run(async () => {
        if (uri && (await ignored(uri))) return;
        sink.record(action);
      })
      .catch((error: unknown) => log.error('next steps: could not record an action', error));
  };
  const file = (uri: vscode.Uri, make: (file: string) => Action): void => {
    const relative = workspacePath(uri);
    if (relative !== undefined) record(make(relative), uri);
  };
  const opens = new OpenConfirmation();
  /** The workspace file in the active editor. */
  let shown: vscode.Uri | undefined;
  /** Records the pending open of `uri`'s file first when `confirm` says the user works in it. */
  const confirmOpen = (uri: vscode.Uri, confirm: (file: string) => Action | undefined): void => {
    const relative = workspacePath(uri);
    const open = relative === undefined ? undefined : confirm(relative);
    if (open) record(open, uri);
  };

  const disposables: vscode.Disposable[] = [
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      const uri = editor?.document.uri;
      const relative = uri && workspacePath(uri);
      const left = opens.activate(relative, Date.now());
      if (left && shown) record(left, shown);
      shown = relative === undefined ? undefined : uri;
      sink.focus(relative);
    }),
    vscode.window.onDidChangeTextEditorSelection((event) =>
      confirmOpen(event.textEditor.document.uri, (f) => opens.select(f, selectionKind(event.kind))),
    ),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length === 0) return;
      const { uri } = event.document;
      confirmOpen(uri, (f) => opens.work(f));
      const going =
        event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo;
      file(uri, (f) => ({ kind: going ? 'undo' : 'edit', file: f }));
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      confirmOpen(document.uri, (f) => opens.work(f));
      file(document.uri, (f) => ({ kind: 'save', file: f }));
    }),
    watchDiagnostics(record),
    vscode.workspace.onDidCreateFiles((event) =>
      event.files.forEach((uri) => file(uri, (f) => ({ kind: 'create', file: f }))),
    ),
    vscode.workspace.onDidDeleteFiles((event) =>
      event.files.forEach((uri) => file(uri, (f) => ({ kind: 'delete', file: f }))),
    ),
    vscode.workspace.onDidRenameFiles((event) =>
      event.files.forEach(({ oldUri, newUri }) => {
        file(oldUri, (f) => ({ kind: 'delete', file: f }));
        file(newUri, (f) => ({ kind: 'create', file: f }));
      }),
    ),
    vscode.tasks.onDidStartTask((event) => record({ kind: 'task', name: taskLabel(event.execution.task) })),
    vscode.tasks.onDidEndTaskProcess((event) =>
      record({ kind: 'taskEnd', name: taskLabel(event.execution.task), exitCode: event.exitCode }),
    ),
    vscode.window.onDidStartTerminalShellExecution((event) => {
      const normalized = typedCommand(event.execution);
      if (normalized) record({ kind: 'shell', template: normalized.template, command: normalized.command });
    }),
    vscode.window.onDidEndTerminalShellExecution((event) => {
      const normalized = typedCommand(event.execution);
      if (normalized) record({ kind: 'shellEnd', template: normalized.template, exitCode: event.exitCode });
    }),
    vscode.debug.onDidStartDebugSession((session) =>
      record({ kind: 'debug', name: session.configuration.name || session.name }),
    ),
    vscode.debug.onDidTerminateDebugSession((session) =>
      record({ kind: 'debugEnd', name: session.configuration.name || session.name }),
    ),
  ];
  if (git) {
    const watchRepository = (repository: GitRepository): vscode.Disposable => watchHead(repository, sink, record, log);
    disposables.push(...git.repositories.map(watchRepository));
    disposables.push(git.onDidOpenRepository((repository) => disposables.push(watchRepository(repository))));
  }
  return vscode.Disposable.from(...disposables);
}

function selectionKind(kind: vscode.TextEditorSelectionChangeKind | undefined): SelectionKind {
  switch (kind) {
    case vscode.TextEditorSelectionChangeKind.Keyboard:
      return 'keyboard';
    case vscode.TextEditorSelectionChangeKind.Mouse:
      return 'mouse';
    case vscode.TextEditorSelectionChangeKind.Command:
      return 'command';
    default:
      return undefined;
  }
}

/** VS Code's banner in a task's terminal: the task is already recorded as a task. */
const TASK_BANNER = '* Executing task';

/**
 * The command the user ran, normalized and without secrets; undefined for command lines VS
 * Code only guessed from the screen (low confidence) and for tasks' own terminal output.
 */
function typedCommand(execution: vscode.TerminalShellExecution) {
  const { value, confidence } = execution.commandLine;
  if (
    confidence === vscode.TerminalShellExecutionCommandLineConfidence.Low ||
    value.trimStart().startsWith(TASK_BANNER)
  )
    return undefined;
  return normalizeCommand(value);
}

/** Commits and branch switches, seen as changes of a repository's HEAD. */
function watchHead(
  repository: GitRepository,
  sink: CollectorSink,
  record: (action: Action) => void,
  log: Logger,
): vscode.Disposable {
  let head = { ...repository.state.HEAD };
  return repository.state.onDidChange(() => {
    const next = { ...repository.state.HEAD };
    const before = head;
    head = next;
    if (next.commit === undefined || next.commit === before.commit) return;
    if (next.name !== before.name) {
      if (next.name) record({ kind: 'checkout', branch: next.name });
      return;
    }
    void sink
      .readLatestCommit(repository.rootUri.fsPath)
      .then((commit) => {
        if (!commit || Date.now() / 1000 - commit.time > FRESH_COMMIT_SECONDS) return;
        record({ kind: 'commit' });
        sink.learnCommit(commit.files, commit.deleted);
      })
      .catch((error: unknown) => log.warn(`next steps: could not read the new commit: ${String(error)}`));
  });
}

/** Whether git ignores a file (cached per path; without git nothing is ignored). */
function gitIgnoreFilter(git: GitApi | undefined): (uri: vscode.Uri) => Promise<boolean> {
  const cache = new Map<string, Promise<boolean>>();
  return (uri) => {
    const path = uri.fsPath;
    const repository = git?.repositories.find((r) => path.startsWith(r.rootUri.fsPath));
    if (!repository) return Promise.resolve(false);
    let known = cache.get(path);
    if (!known) {
      known = repository.checkIgnore([path]).then(
        (set) => set.size > 0,
        () => false,
      );
      if (cache.size > 5000) cache.clear();
      cache.set(path, known);
    }
    return known;
  };
}
