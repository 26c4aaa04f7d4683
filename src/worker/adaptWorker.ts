// The learning worker (bundled as dist/adaptWorker.js): runs one job from workerData, in its
// own thread with its own model instance, so training never blocks the editor's extension
// host. It reports through parentPort and exits when the job is over.
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { AdaptJob, WorkerEvent } from '../core/adapt/workerProtocol';
import { describeError } from '../core/log';
import { CancelledError, runMeasureJob, runTrainJob } from './adaptJob';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('adaptWorker must run as a worker thread');
  const emit = (event: WorkerEvent): void => port.postMessage(event);
  const job = workerData as AdaptJob;
  // On Linux the nice value is per thread: the worker (and the onnxruntime threads it starts)
  // yields to the editor and everything else the user runs. Elsewhere it would apply to the
  // whole editor process, so it is left alone there.
  if (process.platform === 'linux') {
    try {
      os.setPriority(0, 19);
    } catch {
      // not permitted: the CPU share throttle still applies
    }
  }
  try {
    if (job.kind === 'train') {
      const meta = await runTrainJob(job, emit);
      emit({ type: 'trained', meta, file: job.outFile });
    } else {
      emit({ type: 'measured', lift: await runMeasureJob(job, emit) });
    }
  } catch (error) {
    emit({ type: 'failed', message: describeError(error), cancelled: error instanceof CancelledError });
  }
}

void main();
