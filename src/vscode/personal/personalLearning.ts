import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import {
  AdapterFileError,
  readAdapterFile,
  writeAdapterFile,
  type AdapterContents,
  type BaseModel,
} from '../../core/adapt/adapterFile';
import { LearningScheduler, type LearningDecision } from '../../core/adapt/learningScheduler';
import { liftRecordFile, loadLiftRecord, saveLiftRecord, type LiftRecord } from '../../core/adapt/liftRecord';
import { deletePersonalModel, learnedMetaOf, personalModelFile } from '../../core/adapt/personalStore';
import { onBatteryPower } from '../../core/adapt/power';
import { LearningCancelledError, startMeasuring, startTraining } from '../../core/adapt/workerClient';
import type { WorkerScript } from '../../core/base/threads';
import type { LearnedMeta, LiftResult, WorkerEvent, WorkspaceScope } from '../../core/adapt/workerProtocol';
import type { LearningControl } from '../../core/adapt/learningControl';
import type { OndiConfig } from '../../core/config';
import type { EngineLifecycle } from '../../core/engine/lifecycle';
import { loadPersonalFile } from '../../core/engine/loadPersonalFile';
import { describeError, type Logger } from '../../core/log';
import { readModelFolder } from '../../core/model/modelFolder';
import type { OndiState } from '../../core/status';
import { RecentEdits } from './recentEdits';

/** The token budget of one training (the same as `ondi adapt`'s default). */
export const LEARNING_TOKENS = 100_000;
/** Least time between two automatic trainings of a workspace. */
const MIN_INTERVAL_MS = 30 * 60_000;
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** Lines scored (twice: base and personal) by "Show What Ondi Learned". */
const LIFT_SAMPLES = 24;
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

/** What the host tests and "Show What Ondi Learned" read. */
export interface PersonalStatus {
  readonly file: string | undefined;
  readonly meta: LearnedMeta | undefined;
  /** A personal model is applied to the running engine. */
  readonly applied: boolean;
  readonly training: boolean;
  readonly paused: boolean;
  readonly percent: number | undefined;
  readonly problem: string | undefined;
  readonly lastDecision: string | undefined;
  /** The latest lift measured for the model in use, if any. */
  readonly lift: LiftRecord | undefined;
}

interface Run {
  readonly control: LearningControl;
  readonly abort: AbortController;
  percent: number;
  held: boolean;
  readonly done: Promise<void>;
}

/**
 * Personal learning for the open workspace: loads its personal model when the engine is
 * ready (a damaged or foreign file is reported, deleted and learned again), trains in the
 * learning worker when the editor is idle or on command, hot-swaps the result into the
 * running engine, and answers the personalization commands.
 */
export class PersonalLearning implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when anything the status bar shows changed. */
  readonly onDidChange = this.changed.event;
  private readonly scheduler: LearningScheduler;
  private readonly edits: RecentEdits;
  private readonly subscriptions: vscode.Disposable[] = [];
  private meta: LearnedMeta | undefined;
  private appliedTo: string | undefined;
  private run: Run | undefined;
  private problem: string | undefined;
  private changes = 0;
  private lastFailure: number | undefined;
  private lastDecision: string | undefined;
  private lift: LiftRecord | undefined;
  /** Load, apply, reset, import: one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: PersonalLearningDeps) {
    this.edits = new RecentEdits(
      () => this.scheduler.activity(),
      () => {
        this.changes++;
        void this.scheduler.poke();
      },
    );
    this.scheduler = new LearningScheduler({
      facts: () => ({
        enabled: this.deps.config()['learning.enabled'],
        paused: this.paused,
        hasWorkspace: this.file !== undefined,
        engineReady: this.deps.engine.personal !== undefined,
        hasModel: this.meta !== undefined,
        changesSinceTraining: this.changes,
        lastTrained: this.meta ? Date.parse(this.meta.trainedAt) : undefined,
        minIntervalMs: MIN_INTERVAL_MS,
        lastFailure: this.lastFailure,
        retryAfterFailureMs: RETRY_AFTER_FAILURE_MS,
      }),
      idleMs: () => this.deps.config()['learning.idleSeconds'] * 1000,
      onBattery: () => onBatteryPower(),
      train: () => this.train(),
      holdRun: () => this.hold(true),
      resumeRun: () => this.hold(false),
      onDecision: (d) => this.noteDecision(d),
    });
    this.subscriptions.push(
      this.edits,
      this.deps.engine.onDidChangeState((state) => {
        if (state.kind === 'ready') void this.reload();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
    );
    if (this.deps.engine.personal) void this.reload();
    else void this.scheduler.poke();
  }

  /** The workspace's personal model file, or undefined without a local folder and storage. */
  get file(): string | undefined {
    const storage = this.deps.context.globalStorageUri;
    const folders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    if (storage.scheme !== 'file' || folders.length === 0) return undefined;
    return personalModelFile(storage.fsPath, folders);
  }

  get paused(): boolean {
    return this.deps.context.workspaceState.get<boolean>(PAUSED_KEY, false);
  }

  get status(): PersonalStatus {
    return {
      file: this.file,
      meta: this.meta,
      applied: this.appliedTo !== undefined,
      training: this.run !== undefined,
      paused: this.paused,
      percent: this.run?.percent,
      problem: this.problem,
      lastDecision: this.lastDecision,
      lift: this.lift,
    };
  }

  /** How learning stands, in a few words. */
  describeLearning(): string {
    const config = this.deps.config();
    if (!this.file) return 'no folder is open';
    if (this.run) return `training now (${Math.round(this.run.percent)}%)`;
    if (!config['learning.enabled']) return 'off (ondi.learning.enabled)';
    if (this.paused) return 'paused ("Ondi: Resume Learning")';
    return `on, after ${config['learning.idleSeconds']} s without typing, using at most ${Math.round(config['learning.cpuShare'] * 100)}% of one CPU core`;
  }

  /** The engine's state with learning shown on top of "ready". */
  decorate(state: OndiState): OndiState {
    if (state.kind !== 'ready') return state;
    if (this.run) return { ...state, learning: { kind: 'learning', percent: this.run.percent, held: this.run.held } };
    if (this.paused && this.deps.config()['learning.enabled']) return { ...state, learning: { kind: 'paused' } };
    return state;
  }

  /** A setting changed: the CPU share applies to a running job at once; the rest at the next decision. */
  configChanged(): void {
    this.run?.control.setCpuShare(this.deps.config()['learning.cpuShare']);
    if (!this.deps.config()['learning.enabled']) this.run?.abort.abort();
    void this.scheduler.poke();
    this.changed.fire();
  }

  /** "Train Personal Model Now": trains at once (even while paused) and resolves when it is over. */
  async trainNow(): Promise<LearnedMeta | undefined> {
    if (!this.file) throw new UserFacingError('Open a folder first: Ondi learns the code of the open workspace.');
    if (!this.deps.engine.personal) throw new UserFacingError('The model is still loading; try again in a moment.');
    // a run already going may have started before the user's latest code: this one starts after it
    await this.run?.done;
    const before = this.meta;
    await this.scheduler.runNow();
    return this.meta !== before ? this.meta : undefined;
  }

  async pause(): Promise<void> {
    await this.deps.context.workspaceState.update(PAUSED_KEY, true);
    const run = this.run;
    run?.abort.abort();
    await run?.done;
    this.deps.log.info('learning paused');
    this.changed.fire();
  }

  async resume(): Promise<void> {
    await this.deps.context.workspaceState.update(PAUSED_KEY, false);
    this.deps.log.info('learning resumed');
    this.changed.fire();
    void this.scheduler.poke();
  }

  /** Deletes everything learned for this workspace and takes it out of the engine. */
  async reset(): Promise<void> {
    const run = this.run;
    run?.abort.abort();
    await run?.done;
    await this.serially(async () => {
      const file = this.file;
      if (file) await deletePersonalModel(file);
      await this.deps.engine.personal?.apply(undefined);
      this.appliedTo = undefined;
      this.meta = undefined;
      this.lift = undefined;
      this.problem = undefined;
      this.changes = 0;
      this.edits.clear();
      this.deps.log.info(`personal model reset: deleted ${file ?? 'nothing (no workspace)'}`);
    });
    this.changed.fire();
  }

  /** Copies the current personal model to `target` (checked first, so only a good file leaves). */
  async exportTo(target: string): Promise<void> {
    const file = this.requireModelFile();
    await readAdapterFile(file, await this.baseModel());
    await fs.copyFile(file, target);
    this.deps.log.info(`personal model exported to ${target}`);
  }

  /** Replaces the personal model with `source` once it checks out for this base model. */
  async importFrom(source: string): Promise<LearnedMeta | undefined> {
    const file = this.file;
    if (!file) throw new UserFacingError('Open a folder first: the personal model belongs to a workspace.');
    let contents: AdapterContents;
    try {
      contents = await readAdapterFile(source, await this.baseModel());
    } catch (error) {
      if (error instanceof AdapterFileError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UserFacingError(
          `That file cannot be imported: ${describeError(error)}. The current personal model is unchanged.`,
        );
      }
      throw error;
    }
    const run = this.run;
    run?.abort.abort();
    await run?.done;
    await writeAdapterFile(file, contents);
    this.deps.log.info(`personal model imported from ${source}`);
    await this.reload();
    return this.meta;
  }

  /** Base vs personal model on lines of the user's recent files, in the worker; the result is kept next to the model. */
  async measureLift(signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<LiftResult> {
    const file = this.requireModelFile();
    const trainedAt = this.meta?.trainedAt ?? '';
    const run = startMeasuring(
      this.deps.worker,
      {
        ...this.scope(),
        kind: 'measure',
        modelFolder: this.deps.modelFolder,
        adapterFile: file,
        samples: LIFT_SAMPLES,
        seed: 0,
      },
      {
        signal,
        // the user is waiting for this one: no throttle
        cpuShare: 1,
        onEvent: (e) => {
          if (e.type === 'progress' && e.phase === 'measuring') onProgress(e.done, e.total);
          else this.workerEvent(e);
        },
      },
    );
    const lift = await run.result;
    // a training or reset meanwhile made this measurement about a model no longer in use
    if (this.meta?.trainedAt === trainedAt) {
      this.lift = { measuredAt: new Date().toISOString(), trainedAt, lift };
      await saveLiftRecord(liftRecordFile(file), this.lift).catch((error: unknown) =>
        this.deps.log.warn(`could not keep the measured lift: ${describeError(error)}`),
      );
      this.changed.fire();
    }
    return lift;
  }

  /** Size of the stored file, if there is one. */
  async fileBytes(): Promise<number | undefined> {
    const file = this.file;
    if (!file) return undefined;
    return fs.stat(file).then(
      (s) => s.size,
      () => undefined,
    );
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    this.run?.abort.abort();
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }

  private requireModelFile(): string {
    const file = this.file;
    if (!file || !this.meta)
      throw new UserFacingError('Ondi has not learned from this workspace yet ("Ondi: Train Personal Model Now").');
    return file;
  }

  /** What a personal model file must fit: the running engine's model, else the model folder's. */
  private async baseModel(): Promise<BaseModel> {
    const slot = this.deps.engine.personal;
    if (slot) return { modelId: slot.modelId, ...slot.shape };
    const info = await readModelFolder(this.deps.modelFolder);
    return { modelId: info.modelId, hidden: info.hiddenSize, vocab: info.vocabSize };
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Loads the workspace's personal model into the running engine (or takes it out). */
  private reload(): Promise<void> {
    return this.serially(async () => {
      const slot = this.deps.engine.personal;
      const file = this.file;
      if (this.disposed || !slot) return;
      if (!file) {
        await slot.apply(undefined);
        this.appliedTo = undefined;
        this.meta = undefined;
        this.lift = undefined;
        return;
      }
      const started = Date.now();
      const loaded = await loadPersonalFile(slot, file);
      if (loaded.kind === 'loaded') {
        this.appliedTo = file;
        this.meta = learnedMetaOf(loaded.header);
        this.lift = await loadLiftRecord(liftRecordFile(file), this.meta.trainedAt);
        this.deps.log.info(
          `personal model applied: ${this.meta.files} files, ${this.meta.tokens} tokens, trained ${this.meta.trainedAt} (${Date.now() - started} ms to load)`,
        );
      } else {
        this.appliedTo = undefined;
        this.meta = undefined;
        this.lift = undefined;
        if (loaded.kind === 'discarded') {
          this.problem = `the stored personal model was set aside (${loaded.reason}); Ondi learns again when the editor is idle.`;
          this.deps.log.warn(
            `personal model at ${file}: ${loaded.reason}. It was deleted; Ondi will learn this workspace again.`,
          );
          void vscode.window.setStatusBarMessage(`Ondi: ${this.problem}`, 15_000);
        }
      }
    })
      .catch((error: unknown) => {
        this.deps.log.error('loading the personal model failed', error);
        this.problem = `the personal model could not be loaded: ${describeError(error)}`;
      })
      .finally(() => {
        this.changed.fire();
        void this.scheduler.poke();
      });
  }

  private scope(): WorkspaceScope {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const excludes = new Set(this.deps.config().disabledGlobs);
    for (const folder of folders) {
      const filesExclude =
        vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
      for (const [glob, on] of Object.entries(filesExclude)) {
        if (on !== true) continue;
        excludes.add(glob);
        excludes.add(`${glob.replace(/\/+$/, '')}/**`); // a folder's contents too
      }
    }
    return { folders: folders.map((f) => f.uri.fsPath), excludeGlobs: [...excludes], respectGitignore: true };
  }

  /** One training in the worker; never throws (the scheduler runs it). */
  private async train(): Promise<void> {
    const file = this.file;
    if (!file || this.disposed) return;
    const config = this.deps.config();
    const changesAtStart = this.changes;
    const abort = new AbortController();
    const recent = await this.edits.snapshot();
    const worker = startTraining(
      this.deps.worker,
      {
        ...this.scope(),
        kind: 'train',
        modelFolder: this.deps.modelFolder,
        outFile: file,
        recent,
        rank: config['learning.rank'],
        maxTokens: LEARNING_TOKENS,
      },
      { signal: abort.signal, cpuShare: config['learning.cpuShare'], onEvent: (e) => this.workerEvent(e) },
    );
    let finish: () => void = () => undefined;
    const run: Run = {
      control: worker.control,
      abort,
      percent: 0,
      held: false,
      done: new Promise((r) => (finish = r)),
    };
    this.run = run;
    this.changed.fire();
    this.deps.log.info(
      `learning this workspace (rank ${config['learning.rank']}, CPU share ${config['learning.cpuShare']})`,
    );
    try {
      const meta = await worker.result;
      this.changes = Math.max(0, this.changes - changesAtStart);
      this.lastFailure = undefined;
      this.problem = undefined;
      this.run = undefined;
      await this.reload();
      this.deps.log.info(
        `learned in ${meta.seconds} s: ${meta.files} files, ${meta.recentEdits} recent edits, ${meta.tokens} tokens`,
      );
    } catch (error) {
      if (error instanceof LearningCancelledError) {
        this.deps.log.info('learning stopped before it finished; the previous personal model stays');
      } else {
        this.lastFailure = Date.now();
        this.problem = `the last training failed: ${describeError(error)}`;
        this.deps.log.error('learning failed', error);
      }
    } finally {
      this.run = undefined;
      finish();
      this.changed.fire();
    }
  }

  private hold(held: boolean): void {
    const run = this.run;
    if (!run) return;
    run.held = held;
    if (held) run.control.pause();
    else run.control.resume();
    this.changed.fire();
  }

  private workerEvent(e: WorkerEvent): void {
    if (e.type === 'log') {
      this.deps.log[e.level === 'error' ? 'warn' : e.level](`learning worker: ${e.message}`);
    } else if (e.type === 'progress' && this.run) {
      const percent = e.phase === 'learning' ? (100 * e.done) / Math.max(1, e.total) : e.phase === 'saving' ? 100 : 0;
      if (Math.floor(percent) !== Math.floor(this.run.percent)) {
        this.run.percent = percent;
        this.changed.fire();
      }
    }
  }

  private noteDecision(d: LearningDecision): void {
    const text = d.train ? 'learning now' : d.reason;
    if (text !== this.lastDecision) this.deps.log.debug(`learning: ${text}`);
    this.lastDecision = text;
  }
}

/** A failure whose message is meant for the user as it is. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}
