import { Worker } from 'node:worker_threads';
import { disableNativeTelemetry } from './nativeTelemetry';

export interface WorkerScript {
  /** A bundled worker (dist/adaptWorker.js, dist/engineWorker.js), or its TypeScript source under tsx in tests. */
  readonly file: string;
  readonly typescript?: boolean;
}

/** Starts `script` in a new thread with `workerData` (structured clone). */
export function spawnWorker(script: WorkerScript, workerData: unknown): Worker {
  // every worker loads onnxruntime: its environment copy must already say "no telemetry"
  disableNativeTelemetry();
  return script.typescript
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script.file)});`, { eval: true, workerData })
    : new Worker(script.file, { workerData });
}
