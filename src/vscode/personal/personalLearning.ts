import * as vscode from 'vscode';
import { PersonalSession, type PersonalStatus } from '../../core/adapt/personalSession';
import type { LearnedMeta, LiftResult } from '../../core/adapt/workerProtocol';
import type { WorkerScript } from '../../core/base/threads';
import type { OndiConfig } from '../../core/config';
import type { EngineLifecycle } from '../../core/engine/lifecycle';
import type { Logger } from '../../core/log';
import type { OndiState } from '../../core/status';
import { RecentEdits } from './recentEdits';

export type { PersonalStatus } from '../../core/adapt/personalSession';
export { UserFacingError } from '../../core/adapt/personalFiles';

const PAUSED_KEY = 'ondi.learning.paused';

export interface PersonalLearningDeps {
  readonly context: vscode.ExtensionContext;
  readonly config: () => OndiConfig;
  readonly log: Logger;
  readonly engine: EngineLifecycle;
  /** The shipped model the worker loads its own instance of. */
  readonly modelFolder: string;
  /** dist/adaptWorker.js. */
  readonly worker: WorkerScript;
}

/**
 * Personal learning in the editor: feeds the workspace's PersonalSession (core/adapt) typing,
 * saves and folder changes, and keeps what it needs of VS Code (storage, the pause flag,
 * files.exclude, the status bar message). Everything else is the session's.
 */
export class PersonalLearning implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when anything the status bar shows changed. */
  readonly onDidChange = this.changed.event;
  private readonly session: PersonalSession;
  private readonly subscriptions: vscode.Disposable[];

  constructor(deps: PersonalLearningDeps) {
    const { context } = deps;
    const edits = new RecentEdits(
      () => this.session.activity(),
      () => this.session.sourceSaved(),
    );
    this.session = new PersonalSession({
      storageFolder: () => (context.globalStorageUri.scheme === 'file' ? context.globalStorageUri.fsPath : undefined),
      folders: () => localFolders().map((f) => f.uri.fsPath),
      hiddenGlobs,
      config: deps.config,
      log: deps.log,
      engine: deps.engine,
      modelFolder: deps.modelFolder,
      worker: deps.worker,
      paused: {
        get: () => context.workspaceState.get<boolean>(PAUSED_KEY, false),
        set: (paused) => Promise.resolve(context.workspaceState.update(PAUSED_KEY, paused)),
      },
      recentEdits: edits,
      notify: (message) => void vscode.window.setStatusBarMessage(message, 15_000),
    });
    this.subscriptions = [
      edits,
      this.session.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.session.reload()),
    ];
  }

  get status(): PersonalStatus {
    return this.session.status;
  }

  describeLearning(): string {
    return this.session.describeLearning();
  }

  decorate(state: OndiState): OndiState {
    return this.session.decorate(state);
  }

  configChanged(): void {
    this.session.configChanged();
  }

  trainNow(): Promise<LearnedMeta | undefined> {
    return this.session.trainNow();
  }

  pause(): Promise<void> {
    return this.session.pause();
  }

  resume(): Promise<void> {
    return this.session.resume();
  }

  reset(): Promise<void> {
    return this.session.reset();
  }

  exportTo(target: string): Promise<void> {
    return this.session.exportTo(target);
  }

  importFrom(source: string): Promise<LearnedMeta | undefined> {
    return this.session.importFrom(source);
  }

  measureLift(signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<LiftResult> {
    return this.session.measureLift(signal, onProgress);
  }

  fileBytes(): Promise<number | undefined> {
    return this.session.fileBytes();
  }

  dispose(): void {
    void this.session.dispose();
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

export function localFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

/** What files.exclude hides in any folder: never learned either (a folder's contents too). */
export function hiddenGlobs(): string[] {
  const globs: string[] = [];
  for (const folder of localFolders()) {
    const filesExclude =
      vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
    for (const [glob, on] of Object.entries(filesExclude)) {
      if (on !== true) continue;
      globs.push(glob, `${glob.replace(/\/+$/, '')}/**`);
    }
  }
  return globs;
}
