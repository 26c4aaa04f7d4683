import { Emitter, type Disposable } from '../base/emitter';
import { SerialQueue } from '../base/serialQueue';
import type { WorkerScript } from '../base/threads';
import type { OndiConfig } from '../config';
import type { EngineLifecycle } from '../engine/lifecycle';
import { loadPersonalFile } from '../engine/loadPersonalFile';
import { describeError, type Logger } from '../log';
import type { OndiState } from '../status';
import { LearningScheduler, type LearningDecision, type Timers } from './learningScheduler';
import { liftRecordFile, loadLiftRecord, saveLiftRecord, type LiftRecord } from './liftRecord';
import { personalFiles, UserFacingError } from './personalFiles';
import { LEARNED_TOKENS } from './budget';
import { deletePersonalModel, learnedMetaOf, personalModelFile } from './personalStore';
import { onBatteryPower } from './power';
import { LearningRun, type LearningProgress } from './learningRun';
import { LearningCancelledError, startMeasuring, startTraining } from './workerClient';
import type { LearnedMeta, LiftResult, RecentText, WorkerEvent, WorkspaceScope } from './workerProtocol';

/** Least time between two automatic trainings of a workspace. */
const MIN_INTERVAL_MS = 30 * 60_000;
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** Lines scored (twice: base and personal) by "Show What Ondi Learned". */
const LIFT_SAMPLES = 24;

export interface PersonalSessionDeps {
  /** The extension's global storage folder, when it is on the local disk. */
  readonly storageFolder: () => string | undefined;
  /** The workspace's folders on the local disk. */
  readonly folders: () => readonly string[];
  /** Globs the editor hides (files.exclude), never learned on top of ondi.disabledGlobs. */
  readonly hiddenGlobs: () => readonly string[];
  readonly config: () => OndiConfig;
  readonly log: Logger;
  readonly engine: Pick<EngineLifecycle, 'personal' | 'onDidChangeState'>;
  /** The shipped model the worker loads its own instance of. */
  readonly modelFolder: string;
  /** dist/adaptWorker.js. */
  readonly worker: WorkerScript;
  /** "Pause Learning", kept per workspace by the editor. */
  readonly paused: { get(): boolean; set(paused: boolean): Promise<void> };
  /** What the user wrote lately (learned first); forgotten on reset. */
  readonly recentEdits: { snapshot(): Promise<readonly RecentText[]>; clear(): void };
  /** Tells the user something for a moment (a stored model that was set aside). */
  readonly notify: (message: string) => void;
  readonly onBattery?: () => Promise<boolean>;
  readonly now?: () => number;
  readonly timers?: Timers;
  /** Starts jobs in the learning worker; replaced in tests. */
  readonly jobs?: { readonly train: typeof startTraining; readonly measure: typeof startMeasuring };
}

/** What the host tests, the dashboard and "Show What Ondi Learned" read. */
export interface PersonalStatus {
  readonly file: string | undefined;
  readonly meta: LearnedMeta | undefined;
  /** A personal model is applied to the running engine. */
  readonly applied: boolean;
  readonly training: boolean;
  readonly paused: boolean;
  readonly percent: number | undefined;
  /** Tokens learned, time left and how fast typing held the run, while training. */
  readonly progress: LearningProgress | undefined;
  readonly problem: string | undefined;
  readonly lastDecision: string | undefined;
  /** The latest lift measured for the model in use, if any. */
  readonly lift: LiftRecord | undefined;
}

/**
 * Personal learning for the open workspace, without the editor: loads its personal model when
 * the engine is ready (a damaged or foreign file is reported, deleted and learned again),
 * trains in the learning worker when the editor is idle or on command, applies the result to
 * the running engine, measures its lift and answers the personalization commands. The VS Code
 * adapter feeds it typing and saves and shows its state.
 */
export class PersonalSession {
  private readonly changed: Emitter<void>;
  private readonly scheduler: LearningScheduler;
  private readonly jobs: NonNullable<PersonalSessionDeps['jobs']>;
  private readonly now: () => number;
  private readonly engineState: Disposable;
  /** Load, apply, reset, import: one at a time, in order. */
  private readonly queue = new SerialQueue();
  private meta: LearnedMeta | undefined;
  private appliedTo: string | undefined;
  private run: LearningRun | undefined;
  private problem: string | undefined;
  private changes = 0;
  private lastFailure: number | undefined;
  private lastDecision: string | undefined;
  private lift: LiftRecord | undefined;
  private disposed = false;

  constructor(private readonly deps: PersonalSessionDeps) {
    this.changed = new Emitter((error) => deps.log.error('a listener of personal learning failed', error));
    this.jobs = deps.jobs ?? { train: startTraining, measure: startMeasuring };
    this.now = deps.now ?? Date.now;
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
      onBattery: deps.onBattery ?? (() => onBatteryPower()),
      train: () => this.train(),
      holdRun: () => this.hold(true),
      resumeRun: (share) => {
        this.run?.worker.control.setCpuShare(share);
        this.hold(false);
      },
      cpuShare: () => this.deps.config()['learning.cpuShare'],
      onDecision: (d) => this.noteDecision(d),
      now: this.now,
      ...(deps.timers ? { timers: deps.timers } : {}),
    });
    this.engineState = deps.engine.onDidChangeState((state) => {
      if (state.kind === 'ready') void this.reload();
    });
    if (deps.engine.personal) void this.reload();
    else void this.scheduler.poke();
  }

  /** Hears every change of what the status bar shows. */
  onDidChange(listener: () => void): Disposable {
    return this.changed.listen(listener);
  }

  /** The workspace's personal model file, or undefined without a local folder and storage. */
  get file(): string | undefined {
    const storage = this.deps.storageFolder();
    const folders = this.deps.folders();
    if (storage === undefined || folders.length === 0) return undefined;
    return personalModelFile(storage, folders);
  }

  get paused(): boolean {
    return this.deps.paused.get();
  }

  get status(): PersonalStatus {
    return {
      file: this.file,
      meta: this.meta,
      applied: this.appliedTo !== undefined,
      training: this.run !== undefined,
      paused: this.paused,
      percent: this.run?.percent,
      progress: this.run?.progressNow,
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
    return `on, after ${config['learning.idleSeconds']} s without typing; a keystroke pauses it, and it uses at most ${Math.round(config['learning.cpuShare'] * 100)}% of one CPU core until the editor is idle again`;
  }

  /** The engine's state with learning shown on top of "ready". */
  decorate(state: OndiState): OndiState {
    if (state.kind !== 'ready') return state;
    if (this.run) {
      const { secondsLeft } = this.run.progressNow;
      return {
        ...state,
        learning: {
          kind: 'learning',
          percent: this.run.percent,
          held: this.run.held,
          ...(secondsLeft !== undefined && !this.run.held ? { secondsLeft } : {}),
        },
      };
    }
    if (this.paused && this.deps.config()['learning.enabled']) return { ...state, learning: { kind: 'paused' } };
    return state;
  }

  /** The user typed: never learn now, and hold a running job until the editor is idle again. */
  activity(): void {
    this.scheduler.activity();
  }

  /** A source file of the workspace was saved: something new to learn. */
  sourceSaved(): void {
    this.changes++;
    void this.scheduler.poke();
  }

  /** A setting changed: the CPU share applies to a running job at once; the rest at the next decision. */
  configChanged(): void {
    this.run?.worker.control.setCpuShare(this.scheduler.shareNow());
    if (!this.deps.config()['learning.enabled']) this.run?.cancel();
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
    await this.deps.paused.set(true);
    await this.stopRun();
    this.deps.log.info('learning paused');
    this.changed.fire();
  }

  async resume(): Promise<void> {
    await this.deps.paused.set(false);
    this.deps.log.info('learning resumed');
    this.changed.fire();
    void this.scheduler.poke();
  }

  /** Deletes everything learned for this workspace and takes it out of the engine. */
  async reset(): Promise<void> {
    await this.stopRun();
    await this.queue.run(async () => {
      const file = this.file;
      if (file) await deletePersonalModel(file);
      await this.deps.engine.personal?.apply(undefined);
      this.forget();
      this.problem = undefined;
      this.changes = 0;
      this.deps.recentEdits.clear();
      this.deps.log.info(`personal model reset: deleted ${file ?? 'nothing (no workspace)'}`);
    });
    this.changed.fire();
  }

  /** Copies the current personal model to `target` (checked first, so only a good file leaves). */
  async exportTo(target: string): Promise<void> {
    await personalFiles(this.deps).exportTo(this.requireModelFile(), target);
  }

  /** Replaces the personal model with `source` once it checks out for this base model. */
  async importFrom(source: string): Promise<LearnedMeta | undefined> {
    const file = this.file;
    if (!file) throw new UserFacingError('Open a folder first: the personal model belongs to a workspace.');
    await personalFiles(this.deps).importFrom(source, file, () => this.stopRun());
    await this.reload();
    return this.meta;
  }

  /** Base vs personal model on lines of the user's recent files, in the worker; the result is kept next to the model. */
  async measureLift(signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<LiftResult> {
    const file = this.requireModelFile();
    const trainedAt = this.meta?.trainedAt ?? '';
    const run = this.jobs.measure(
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
      this.lift = { measuredAt: new Date(this.now()).toISOString(), trainedAt, lift };
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
    return file ? personalFiles(this.deps).bytes(file) : undefined;
  }

  /** Loads the workspace's personal model into the running engine (or takes it out). */
  reload(): Promise<void> {
    return this.queue
      .run(() => this.load())
      .catch((error: unknown) => {
        this.deps.log.error('loading the personal model failed', error);
        this.problem = `the personal model could not be loaded: ${describeError(error)}`;
      })
      .finally(() => {
        this.changed.fire();
        void this.scheduler.poke();
      });
  }

  /** Stops learning; a run still going is aborted and awaited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.scheduler.dispose();
    this.engineState.dispose();
    this.changed.dispose();
    await this.stopRun();
  }

  private async load(): Promise<void> {
    const slot = this.deps.engine.personal;
    const file = this.file;
    if (this.disposed || !slot) return;
    if (!file) {
      await slot.apply(undefined);
      this.forget();
      return;
    }
    const started = this.now();
    const loaded = await loadPersonalFile(slot, file);
    if (loaded.kind === 'loaded') {
      this.appliedTo = file;
      this.meta = learnedMetaOf(loaded.header);
      this.lift = await loadLiftRecord(liftRecordFile(file), this.meta.trainedAt);
      this.deps.log.info(
        `personal model applied: ${this.meta.files} files, ${this.meta.tokens} tokens, trained ${this.meta.trainedAt} (${this.now() - started} ms to load)`,
      );
      return;
    }
    this.forget();
    if (loaded.kind === 'discarded') {
      this.problem = `the stored personal model was set aside (${loaded.reason}); Ondi learns again when the editor is idle.`;
      this.deps.log.warn(
        `personal model at ${file}: ${loaded.reason}. It was deleted; Ondi will learn this workspace again.`,
      );
      this.deps.notify(`Ondi: ${this.problem}`);
    }
  }

  /** No personal model in the engine any more. */
  private forget(): void {
    this.appliedTo = undefined;
    this.meta = undefined;
    this.lift = undefined;
  }

  private async stopRun(): Promise<void> {
    await this.run?.stop();
  }

  private requireModelFile(): string {
    const file = this.file;
    if (!file || !this.meta)
      throw new UserFacingError('Ondi has not learned from this workspace yet ("Ondi: Train Personal Model Now").');
    return file;
  }

  private scope(): WorkspaceScope {
    const excludes = new Set(this.deps.config().disabledGlobs);
    for (const glob of this.deps.hiddenGlobs()) excludes.add(glob);
    return { folders: this.deps.folders(), excludeGlobs: [...excludes], respectGitignore: true };
  }

  /** One training in the worker; never throws (the scheduler runs it). */
  private async train(): Promise<void> {
    const file = this.file;
    if (!file || this.disposed) return;
    const config = this.deps.config();
    const changesAtStart = this.changes;
    const recent = await this.deps.recentEdits.snapshot();
    const run = LearningRun.start(
      (signal) =>
        this.jobs.train(
          this.deps.worker,
          {
            ...this.scope(),
            kind: 'train',
            modelFolder: this.deps.modelFolder,
            outFile: file,
            recent,
            rank: config['learning.rank'],
            maxTokens: LEARNED_TOKENS,
          },
          // full speed when the editor is idle (how the idle timer starts it), the CPU share otherwise
          { signal, cpuShare: this.scheduler.shareNow(), onEvent: (e) => this.workerEvent(e) },
        ),
      this.now,
    );
    this.run = run;
    this.changed.fire();
    this.deps.log.info(
      `learning this workspace (rank ${config['learning.rank']}, CPU share ${config['learning.cpuShare']})`,
    );
    try {
      const meta = await run.worker.result;
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
        this.lastFailure = this.now();
        this.problem = `the last training failed: ${describeError(error)}`;
        this.deps.log.error('learning failed', error);
      }
    } finally {
      this.run = undefined;
      run.settled();
      this.changed.fire();
    }
  }

  private hold(held: boolean): void {
    if (!this.run) return;
    this.run.hold(held);
    this.changed.fire();
  }

  private workerEvent(e: WorkerEvent): void {
    if (e.type === 'log') {
      this.deps.log[e.level === 'error' ? 'warn' : e.level](`learning worker: ${e.message}`);
    } else if (e.type === 'progress' && this.run?.progress(e)) {
      this.changed.fire();
    } else if (e.type === 'held') {
      this.run?.heldAfter(e.delayMs);
      this.deps.log.debug(`learning held ${e.delayMs} ms after it was asked to`);
    }
  }

  private noteDecision(d: LearningDecision): void {
    const text = d.train ? 'learning now' : d.reason;
    if (text !== this.lastDecision) this.deps.log.debug(`learning: ${text}`);
    this.lastDecision = text;
  }
}
