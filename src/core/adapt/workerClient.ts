import { spawnWorker, type WorkerScript } from '../base/threads';
import { LearningControl } from './learningControl';
import type { LearnedMeta, LiftResult, MeasureJob, TrainJob, WorkerEvent } from './workerProtocol';

/** The run ended because it was asked to stop (pause, reset, the editor closing). */
export class LearningCancelledError extends Error {
  override readonly name = 'LearningCancelledError';
}

export interface WorkerRun<T> {
  readonly result: Promise<T>;
  /** Pause/resume/throttle the run; `abort()` ends it at its next window. */
  readonly control: LearningControl;
}

export interface RunOptions {
  readonly onEvent?: (event: WorkerEvent) => void;
  readonly signal?: AbortSignal;
  readonly cpuShare?: number;
  /** How long an aborted worker may take to reach its checkpoint before it is terminated. */
  readonly graceMs?: number;
}

type JobWithoutControl<J> = Omit<J, 'control'>;

export function startTraining(
  script: WorkerScript,
  job: JobWithoutControl<TrainJob>,
  options: RunOptions = {},
): WorkerRun<LearnedMeta> {
  return start(script, job, options, (event) => (event.type === 'trained' ? event.meta : undefined));
}

export function startMeasuring(
  script: WorkerScript,
  job: JobWithoutControl<MeasureJob>,
  options: RunOptions = {},
): WorkerRun<LiftResult> {
  return start(script, job, options, (event) => (event.type === 'measured' ? event.lift : undefined));
}

function start<T>(
  script: WorkerScript,
  job: JobWithoutControl<TrainJob> | JobWithoutControl<MeasureJob>,
  options: RunOptions,
  pick: (event: WorkerEvent) => T | undefined,
): WorkerRun<T> {
  const control = new LearningControl();
  control.setCpuShare(options.cpuShare ?? 1);
  const worker = spawnWorker(script, { ...job, control: control.buffer });
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      // the job reports only after it released its model: nothing is lost by ending the thread
      void worker.terminate();
    };
    const onAbort = (): void => {
      control.abort();
      // a worker stuck inside one model call still ends: terminate it after the grace period
      killTimer = setTimeout(() => void worker.terminate(), options.graceMs ?? 15_000);
      killTimer.unref();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (event: WorkerEvent) => {
      const value = pick(event);
      if (value !== undefined) {
        settle(() => resolve(value));
      } else if (event.type === 'failed') {
        settle(() => reject(event.cancelled ? new LearningCancelledError(event.message) : new Error(event.message)));
      } else {
        options.onEvent?.(event);
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => {
      settle(() =>
        reject(
          control.state === 'abort'
            ? new LearningCancelledError('learning was stopped')
            : new Error(`the learning worker exited (code ${code}) without a result`),
        ),
      );
    });
  });
  return { result, control };
}
