/**
 * When Ondi learns: only after the editor has been idle for a while, never while the user
 * types (a running job is held at its next window and goes on once the editor is idle again),
 * not on battery where the platform tells, and only when there is something new to learn.
 * The decision is a pure function of plain facts; the scheduler around it owns the timers.
 */

import { SerialQueue } from '../base/serialQueue';
import { learningPace, RESUME_AFTER_QUIET_MS } from './learningPace';

export interface LearningFacts {
  readonly now: number;
  /** `ondi.learning.enabled`. */
  readonly enabled: boolean;
  /** "Ondi: Pause Learning" is in force. */
  readonly paused: boolean;
  readonly hasWorkspace: boolean;
  /** The base model is loaded (its identity ties the adapter to it). */
  readonly engineReady: boolean;
  readonly training: boolean;
  /** Milliseconds since the epoch of the last edit or keystroke. */
  readonly lastActivity: number;
  readonly idleMs: number;
  readonly onBattery: boolean;
  /** A personal model for this workspace exists (loaded, or written by the last run). */
  readonly hasModel: boolean;
  /** Saved or edited source documents since the last training. */
  readonly changesSinceTraining: number;
  readonly lastTrained: number | undefined;
  /** Least time between two automatic trainings. */
  readonly minIntervalMs: number;
  /** When the last run failed (another one is tried only after `retryAfterFailureMs`). */
  readonly lastFailure: number | undefined;
  readonly retryAfterFailureMs: number;
}

export type LearningDecision =
  | { readonly train: true }
  | {
      readonly train: false;
      readonly reason: string;
      /** Ask again after this long; undefined: only when something changes. */
      readonly retryInMs?: number;
    };

/** Checked while on battery. */
export const BATTERY_RECHECK_MS = 60_000;

export function decideLearning(f: LearningFacts): LearningDecision {
  if (!f.enabled) return { train: false, reason: 'learning is turned off (ondi.learning.enabled)' };
  if (f.paused) return { train: false, reason: 'learning is paused' };
  if (!f.hasWorkspace) return { train: false, reason: 'no folder is open' };
  if (!f.engineReady) return { train: false, reason: 'the model is not loaded yet' };
  if (f.training) return { train: false, reason: 'already learning' };
  if (f.lastFailure !== undefined && f.now - f.lastFailure < f.retryAfterFailureMs) {
    return { train: false, reason: 'the last run failed', retryInMs: f.lastFailure + f.retryAfterFailureMs - f.now };
  }
  if (f.hasModel) {
    if (f.changesSinceTraining === 0) return { train: false, reason: 'nothing new to learn' };
    const since = f.lastTrained === undefined ? Infinity : f.now - f.lastTrained;
    if (since < f.minIntervalMs) {
      return { train: false, reason: 'learned recently', retryInMs: f.minIntervalMs - since };
    }
  }
  const quietFor = f.now - f.lastActivity;
  if (quietFor < f.idleMs) return { train: false, reason: 'the user is typing', retryInMs: f.idleMs - quietFor };
  if (f.onBattery) return { train: false, reason: 'on battery power', retryInMs: BATTERY_RECHECK_MS };
  return { train: true };
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerDeps {
  /** Everything but the facts the scheduler itself keeps (time, activity, battery, training). */
  readonly facts: () => Omit<LearningFacts, 'now' | 'lastActivity' | 'onBattery' | 'training' | 'idleMs'>;
  readonly idleMs: () => number;
  readonly onBattery: () => Promise<boolean>;
  /** Runs one training to its end (resolves also when it fails or is aborted). */
  readonly train: () => Promise<void>;
  /** The user started typing during a run: hold it. */
  readonly holdRun: () => void;
  /** The user stopped typing (share: `cpuShare()`) or the editor is idle (share 1): let the run go on at that share. */
  readonly resumeRun: (cpuShare: number) => void;
  /** `ondi.learning.cpuShare`: the share a run may use while the user is around but not typing (default 1). */
  readonly cpuShare?: () => number;
  readonly onDecision?: (decision: LearningDecision) => void;
  readonly now?: () => number;
  readonly timers?: Timers;
}

export class LearningScheduler {
  private lastActivity: number;
  private running: Promise<void> | undefined;
  private held = false;
  private timer: unknown;
  private idleTimer: unknown;
  private quietTimer: unknown;
  private readonly evaluations = new SerialQueue();
  private disposed = false;
  private readonly now: () => number;
  private readonly timers: Timers;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
    this.timers = deps.timers ?? realTimers;
    this.lastActivity = this.now();
  }

  get training(): boolean {
    return this.running !== undefined;
  }

  /** The CPU share a run may use now, from how long the user has been quiet (1 when idle). */
  shareNow(): number {
    const pace = learningPace(this.now() - this.lastActivity, this.deps.idleMs(), this.cpuShare());
    return pace.kind === 'run' ? pace.cpuShare : this.cpuShare();
  }

  /**
   * Typing or an edit: never start learning now; hold a running job at once, let it go on at
   * the CPU share after a moment of quiet and at full speed once the editor is idle again.
   */
  activity(): void {
    if (this.disposed) return;
    this.lastActivity = this.now();
    if (this.running && !this.held) {
      this.held = true;
      this.deps.holdRun();
    }
    if (this.quietTimer !== undefined) this.timers.clear(this.quietTimer);
    this.quietTimer = this.timers.set(() => {
      this.quietTimer = undefined;
      this.quiet();
    }, RESUME_AFTER_QUIET_MS);
    if (this.idleTimer !== undefined) this.timers.clear(this.idleTimer);
    this.idleTimer = this.timers.set(() => {
      this.idleTimer = undefined;
      this.idle();
    }, this.deps.idleMs());
  }

  /** Something changed (a setting, the engine, a command): decide again. */
  poke(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    // one evaluation at a time, in order
    return this.evaluations.run(() => this.evaluate()).catch(() => undefined);
  }

  /** Runs a training now, whatever the schedule says (resolves when it is over). */
  runNow(): Promise<void> {
    return this.start();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    if (this.idleTimer !== undefined) this.timers.clear(this.idleTimer);
    if (this.quietTimer !== undefined) this.timers.clear(this.quietTimer);
    this.timer = undefined;
    this.idleTimer = undefined;
    this.quietTimer = undefined;
  }

  private cpuShare(): number {
    return this.deps.cpuShare?.() ?? 1;
  }

  /** A moment without typing: a held run goes on, at the CPU share. */
  private quiet(): void {
    if (this.running && this.held) {
      this.held = false;
      this.deps.resumeRun(this.shareNow());
    }
  }

  /** Idle long enough: a run goes on at full speed, and a new one may start. */
  private idle(): void {
    if (this.running) {
      this.held = false;
      this.deps.resumeRun(this.shareNow());
    }
    void this.poke();
  }

  private async evaluate(): Promise<void> {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    const facts = this.deps.facts();
    const idleMs = this.deps.idleMs();
    const base = {
      ...facts,
      now: this.now(),
      lastActivity: this.lastActivity,
      idleMs,
      training: this.training,
      onBattery: false,
    };
    let decision = decideLearning(base);
    // The battery is read only when everything else says go (it is a file read).
    if (decision.train)
      decision = decideLearning({ ...base, onBattery: await this.deps.onBattery().catch(() => false) });
    this.deps.onDecision?.(decision);
    if (this.disposed) return;
    if (decision.train) {
      void this.start();
    } else if (decision.retryInMs !== undefined) {
      this.timer = this.timers.set(
        () => {
          this.timer = undefined;
          void this.poke();
        },
        Math.max(50, decision.retryInMs),
      );
    }
  }

  private start(): Promise<void> {
    if (this.running) return this.running;
    this.held = false;
    const run = (async () => {
      try {
        await this.deps.train();
      } finally {
        this.running = undefined;
        this.held = false;
      }
    })();
    this.running = run;
    // after a run, see whether another is due (changes made meanwhile)
    void run.then(() => this.poke());
    return run;
  }
}
