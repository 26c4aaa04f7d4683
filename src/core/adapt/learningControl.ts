/**
 * How the editor steers a learning worker while it trains: run, pause (hold between training
 * windows), abort, and the CPU share it may use. The state lives in a SharedArrayBuffer so the
 * worker sees a change at its next window even while its thread is busy or asleep, with no
 * message queue in between; the worker's checkpoint (`between`) sleeps there.
 */
export type ControlState = 'run' | 'pause' | 'abort';

const STATE = 0;
const SHARE = 1;
/** Float64 slot (after the two Int32 cells): Date.now() of the latest pause request. */
const PAUSED_AT = 1;
const BYTES = 16;
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
  private readonly times: Float64Array | undefined;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(BYTES)) {
    this.cells = new Int32Array(buffer, 0, 2);
    this.times = buffer.byteLength >= BYTES ? new Float64Array(buffer, 0, 2) : undefined;
  }

  /** When the latest pause was asked for (Date.now(), shared by both threads), or undefined. */
  get pausedAt(): number | undefined {
    const at = this.times?.[PAUSED_AT] ?? 0;
    return at > 0 ? at : undefined;
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
    // written before the state, so a worker that sees 'pause' also sees when it was asked
    if (this.times && this.state !== 'pause') this.times[PAUSED_AT] = Date.now();
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

export interface CheckpointOptions {
  readonly now?: () => number;
  /** Threads the work between checkpoints keeps busy (the model's intra-op threads). */
  readonly threads?: number;
  /** Hears each hold as it begins, with the delay since the pause was asked for. */
  readonly onHold?: (delayMs: number) => void;
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
  /** Milliseconds from each pause request to the moment the worker held (how fast typing stops it). */
  readonly holdDelays: number[] = [];

  private readonly now: () => number;
  private readonly threads: number;
  private readonly onHold: ((delayMs: number) => void) | undefined;

  constructor(
    private readonly control: LearningControl,
    options: CheckpointOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.threads = Math.max(1, options.threads ?? 1);
    this.onHold = options.onHold;
    this.lastEnd = this.now();
  }

  /** Starts the clock of the next unit of work (after setup that should not count). */
  restart(): void {
    this.lastEnd = this.now();
  }

  between(): boolean {
    const cells = new Int32Array(this.control.buffer);
    const workMs = this.now() - this.lastEnd;
    // the share is of one core: work that kept n threads busy takes n times the sleep (a
    // share of 1 is no throttle at all, whatever the threads)
    const share = this.control.cpuShare;
    const delay = throttleDelayMs(workMs, share >= 1 ? 1 : share / this.threads);
    const started = this.now();
    if (delay > 0 && this.control.state === 'run') {
      Atomics.wait(cells, STATE, CODES.indexOf('run'), delay);
    }
    if (this.control.state === 'pause') {
      const asked = this.control.pausedAt;
      const heldAfter = asked === undefined ? 0 : Math.max(0, Date.now() - asked);
      this.holdDelays.push(heldAfter);
      this.onHold?.(heldAfter);
    }
    while (this.control.state === 'pause') {
      Atomics.wait(cells, STATE, CODES.indexOf('pause'), PAUSE_POLL_MS);
    }
    this.slept += this.now() - started;
    this.lastEnd = this.now();
    return this.control.state !== 'abort';
  }
}
