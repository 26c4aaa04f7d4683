// onnxruntime's native library (1.30) collects usage events on its own: it reads
// /etc/machine-id, queues events under ~/.cache/Microsoft/DeveloperTools/.onnxruntime and
// uploads them about ten seconds after start. It checks ORT_DISABLE_TELEMETRY with getenv(),
// so the variable must be in the C environment before the library loads. Writing process.env
// reaches that environment on the main thread only (a worker thread's process.env is a copy),
// so the main thread sets it before it starts any worker, and a worker refuses to load the
// runtime when its copy shows the variable missing.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';

export const TELEMETRY_OFF_VARIABLE = 'ORT_DISABLE_TELEMETRY';

/** Turns the runtime's telemetry off for this process; call on the main thread before any worker starts. */
export function disableNativeTelemetry(): void {
  if (isMainThread) {
    process.env[TELEMETRY_OFF_VARIABLE] = '1';
  } else if (process.env[TELEMETRY_OFF_VARIABLE] !== '1') {
    throw new Error(
      `${TELEMETRY_OFF_VARIABLE} was not set before this thread started: onnxruntime is not loaded, so that it cannot send telemetry`,
    );
  }
}

/** Where the runtime keeps its device id and event queue when its telemetry runs. */
export function nativeTelemetryFolder(home: string): string {
  return path.join(home, '.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime');
}

export interface NativeTelemetryState {
  /** ORT_DISABLE_TELEMETRY=1 in this process's environment (what the runtime reads). */
  readonly disabled: boolean;
  /** The runtime's telemetry folder exists in the home folder (some run kept events). */
  readonly queueFound: boolean;
}

export function readNativeTelemetryState(home: string, env: NodeJS.ProcessEnv = process.env): NativeTelemetryState {
  return { disabled: env[TELEMETRY_OFF_VARIABLE] === '1', queueFound: existsSync(nativeTelemetryFolder(home)) };
}

disableNativeTelemetry();
