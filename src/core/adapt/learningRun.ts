import { LearningEstimate } from './learningEstimate';
import type { WorkerRun } from './workerClient';
import type { LearnedMeta, WorkerEvent } from './workerProtocol';

/** How far a training is, for the status bar and the progress notification. */
export interface LearningProgress {
  /** Tokens learned so far and the training's token stream (0 of 0 until learning starts). */
  readonly tokensDone: number;
  readonly tokensTotal: number;
  /** Seconds of running left; undefined while too little is known. */
  readonly secondsLeft: number | undefined;
  /** Milliseconds from the latest pause request (a keystroke) to the worker holding, if it held. */
  readonly lastHoldMs: number | undefined;
  /** Held while the user types. */
  readonly held: boolean;
}

/**
 * One training in the learning worker as the session follows it: its progress, held while the
 * user types, stopped on request. `done` settles once the session has handled its result, so
 * whoever stops it or waits for it sees the session's state after the run.
 */
export class LearningRun {
  percent = 0;
  held = false;
  readonly done: Promise<void>;
  private finish: () => void = () => undefined;
  private tokens = { done: 0, total: 0 };
  private lastHoldMs: number | undefined;
  private readonly estimate: LearningEstimate;

  private constructor(
    readonly worker: WorkerRun<LearnedMeta>,
    private readonly abort: AbortController,
    now: () => number,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.estimate = new LearningEstimate(now);
  }

  /** Starts the worker job with a signal that `stop()` aborts. */
  static start(start: (signal: AbortSignal) => WorkerRun<LearnedMeta>, now: () => number = Date.now): LearningRun {
    const abort = new AbortController();
    return new LearningRun(start(abort.signal), abort, now);
  }

  get progressNow(): LearningProgress {
    return {
      tokensDone: this.tokens.done,
      tokensTotal: this.tokens.total,
      secondsLeft: this.estimate.secondsLeft(),
      lastHoldMs: this.lastHoldMs,
      held: this.held,
    };
  }

  hold(held: boolean): void {
    this.held = held;
    this.estimate.held(held);
    if (held) this.worker.control.pause();
    else this.worker.control.resume();
  }

  /** The worker held `delayMs` after it was asked to. */
  heldAfter(delayMs: number): void {
    this.lastHoldMs = delayMs;
  }

  /** Takes the percent a progress event reports; true when its whole part changed (worth showing). */
  progress(e: Extract<WorkerEvent, { type: 'progress' }>): boolean {
    const percent = e.phase === 'learning' ? (100 * e.done) / Math.max(1, e.total) : e.phase === 'saving' ? 100 : 0;
    if (e.phase === 'learning') {
      this.estimate.progress(e.done / Math.max(1, e.total));
      if (e.tokens) this.tokens = { done: e.tokens.done, total: e.tokens.total };
    }
    if (Math.floor(percent) === Math.floor(this.percent)) return false;
    this.percent = percent;
    return true;
  }

  /** Asks the worker to stop at its next window, without waiting. */
  cancel(): void {
    this.abort.abort();
  }

  /** Stops the run and waits until the session is done with it. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  /** The session has handled the result. */
  settled(): void {
    this.finish();
  }
}
