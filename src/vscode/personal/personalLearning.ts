import * as vscode from 'vscode';
import { describeLearned, describeProgress, FIRST_LEARNING_NOTICE } from '../../core/adapt/learningMessages';
import { PersonalSession, type PersonalStatus as SessionStatus } from '../../core/adapt/personalSession';
import type { LearnedMeta, LiftResult } from '../../core/adapt/workerProtocol';
import type { WorkerScript } from '../../core/base/threads';
import type { OndiConfig } from '../../core/config';
import type { EngineLifecycle } from '../../core/engine/lifecycle';
import type { Logger } from '../../core/log';
import type { OndiState } from '../../core/status';
import { RecentEdits } from './recentEdits';

export { UserFacingError } from '../../core/adapt/personalFiles';

const PAUSED_KEY = 'ondi.learning.paused';
/** Set once the first automatic training was announced on this machine. */
const ANNOUNCED_KEY = 'ondi.learning.announced';
const PAUSE_BUTTON = 'Pause Learning';
const PROGRESS_BUTTON = 'Show Progress';
/** Notices kept for the API (the host tests read what the user was told). */
const KEPT_NOTICES = 20;

/** The session's status and what the editor told the user about learning, newest last. */
export interface PersonalStatus extends SessionStatus {
  readonly notices: readonly string[];
}

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
  private readonly notices: string[] = [];
  /** The running training, as this adapter follows it. */
  private current: { readonly startedAt: number; readonly automatic: boolean; readonly announced: boolean } | undefined;
  /** A "Train Now" is in flight: the training it starts is not automatic. */
  private manualRuns = 0;

  constructor(private readonly deps: PersonalLearningDeps) {
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
      this.session.onDidChange(() => {
        this.follow();
        this.changed.fire();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.session.reload()),
    ];
  }

  get status(): PersonalStatus {
    return { ...this.session.status, notices: [...this.notices] };
  }

  /**
   * A progress notification that follows the running training to its end (tokens and time
   * left); resolves at once when none runs.
   */
  showProgress(title = 'Ondi: learning this workspace'): Promise<void> {
    if (!this.session.status.training) return Promise.resolve();
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async (progress) => {
        let shown = 0;
        await new Promise<void>((resolve) => {
          const update = (): void => {
            const status = this.session.status;
            if (!status.training) {
              subscription.dispose();
              clearInterval(timer);
              resolve();
              return;
            }
            const percent = status.percent ?? 0;
            progress.report({ increment: Math.max(0, percent - shown), message: describeProgress(status.progress) });
            shown = Math.max(shown, percent);
          };
          const subscription = this.session.onDidChange(update);
          // the time left moves between progress events too
          const timer = setInterval(update, 1000);
          update();
        });
      }),
    );
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

  async trainNow(): Promise<LearnedMeta | undefined> {
    this.manualRuns++;
    try {
      return await this.session.trainNow();
    } finally {
      this.manualRuns--;
    }
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

  /**
   * Tells the user about trainings they did not ask for: the first one on this machine is
   * announced with a Pause button (a notice, not a question: nothing leaves the machine, it
   * runs only while the editor is idle, and one click stops it for good), and its end is
   * shown the same way; later ones end with a status bar message.
   */
  private follow(): void {
    const { training, meta } = this.session.status;
    if (training && !this.current) {
      const automatic = this.manualRuns === 0;
      const announce = automatic && !this.deps.context.globalState.get<boolean>(ANNOUNCED_KEY, false);
      this.current = { startedAt: Date.now(), automatic, announced: announce };
      // the user asked for this one and waits for it: show how far it is
      if (!automatic) void this.showProgress();
      if (announce) {
        void this.deps.context.globalState.update(ANNOUNCED_KEY, true);
        this.tell(FIRST_LEARNING_NOTICE);
        void vscode.window
          .showInformationMessage(FIRST_LEARNING_NOTICE, PAUSE_BUTTON, PROGRESS_BUTTON)
          .then((answer) => {
            if (answer === PAUSE_BUTTON) return vscode.commands.executeCommand('ondi.pauseLearning');
            if (answer === PROGRESS_BUTTON) return this.showProgress();
            return undefined;
          });
      }
    } else if (!training && this.current) {
      const run = this.current;
      this.current = undefined;
      if (!run.automatic || !meta || Date.parse(meta.trainedAt) < run.startedAt - 1_000) return;
      const done = describeLearned(meta, (Date.now() - run.startedAt) / 1000);
      this.tell(done);
      if (run.announced) void vscode.window.showInformationMessage(`${done} Completions use it now.`);
      else vscode.window.setStatusBarMessage(`$(sparkle) Ondi: ${done}`, 10_000);
    }
  }

  private tell(notice: string): void {
    this.notices.push(notice);
    if (this.notices.length > KEPT_NOTICES) this.notices.shift();
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
