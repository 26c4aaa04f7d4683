import type { WorkerRun } from './workerClient';
import type { LearnedMeta, WorkerEvent } from './workerProtocol';

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

  private constructor(
    readonly worker: WorkerRun<LearnedMeta>,
    private readonly abort: AbortController,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Starts the worker job with a signal that `stop()` aborts. */
  static start(start: (signal: AbortSignal) => WorkerRun<LearnedMeta>): LearningRun {
    const abort = new AbortController();
    return new LearningRun(start(abort.signal), abort);
  }

  hold(held: boolean): void {
    this.held = held;
    if (held) this.worker.control.pause();
    else this.worker.control.resume();
  }

  /** Takes the percent a progress event reports; true when its whole part changed (worth showing). */
  progress(e: Extract<WorkerEvent, { type: 'progress' }>): boolean {
    const percent = e.phase === 'learning' ? (100 * e.done) / Math.max(1, e.total) : e.phase === 'saving' ? 100 : 0;
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
