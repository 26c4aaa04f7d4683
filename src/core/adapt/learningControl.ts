/**
 * How the editor steers a learning worker while it trains: run, pause (hold between training
 * windows), abort, and the CPU share it may use. The state lives in a SharedArrayBuffer so the
 * worker sees a change at its next window even while its thread is busy or asleep, with no
 * message queue in between; the worker's checkpoint (`between`) sleeps there.
 */
export type ControlState = 'run' | 'pause' | 'abort';

const STATE = 0;
const SHARE = 1;
const CODES: readonly ControlState[] = ['run', 'pause', 'abort'];

/** Never throttled below this share: training still makes progress at the lowest setting. */
export const MIN_CPU_SHARE = 0.05;
/** One sleep never lasts longer than this (a window that took long is not punished twice). */
export const MAX_THROTTLE_MS = 5_000;
/** While paused, the checkpoint wakes this often to notice an abort that came without a notify. */
const PAUSE_POLL_MS = 1_000;

/**
 * Milliseconds to sleep after `workMs` of work so the work takes `cpuShare` of the time:
 * work / (work + sleep) = share.
 */
export function throttleDelayMs(workMs: number, cpuShare: number): number {
  if (!(workMs > 0)) return 0;
  const share = Math.min(1, Math.max(MIN_CPU_SHARE, Number.isFinite(cpuShare) ? cpuShare : 1));
  if (share >= 1) return 0;
  return Math.min(MAX_THROTTLE_MS, (workMs * (1 - share)) / share);
}

export class LearningControl {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  get state(): ControlState {
    return CODES[Atomics.load(this.cells, STATE)] ?? 'run';
  }

  get cpuShare(): number {
    const permille = Atomics.load(this.cells, SHARE);
    return permille > 0 ? permille / 1000 : 1;
  }

  setCpuShare(share: number): void {
    const clamped = Math.min(1, Math.max(MIN_CPU_SHARE, Number.isFinite(share) ? share : 1));
    Atomics.store(this.cells, SHARE, Math.round(clamped * 1000));
  }

  pause(): void {
    this.set('pause');
  }

  resume(): void {
    if (this.state === 'pause') this.set('run');
  }

  /** Final: a worker that saw abort stops at its next checkpoint. */
  abort(): void {
    this.set('abort');
  }

  private set(state: ControlState): void {
    Atomics.store(this.cells, STATE, CODES.indexOf(state));
    Atomics.notify(this.cells, STATE);
  }
}

/**
 * The worker's side: call `between()` after each unit of work (a training window). It sleeps
 * for the throttle, holds while paused and returns false once aborted. It blocks its thread
 * (Atomics.wait), which is what a worker thread is for; never call it on the editor's thread.
 */
export class ControlCheckpoint {
  private lastEnd: number;
  /** Total milliseconds spent asleep for the throttle and while paused. */
  slept = 0;

  constructor(
    private readonly control: LearningControl,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastEnd = now();
  }

  /** Starts the clock of the next unit of work (after setup that should not count). */
  restart(): void {
    this.lastEnd = this.now();
  }

  between(): boolean {
    const cells = new Int32Array(this.control.buffer);
    const workMs = this.now() - this.lastEnd;
    const delay = throttleDelayMs(workMs, this.control.cpuShare);
    const started = this.now();
    if (delay > 0 && this.control.state === 'run') {
      Atomics.wait(cells, STATE, CODES.indexOf('run'), delay);
    }
    while (this.control.state === 'pause') {
      Atomics.wait(cells, STATE, CODES.indexOf('pause'), PAUSE_POLL_MS);
    }
    this.slept += this.now() - started;
    this.lastEnd = this.now();
    return this.control.state !== 'abort';
  }
}
