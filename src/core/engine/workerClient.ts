import type { Worker } from 'node:worker_threads';
import type { WorkspaceScope } from '../adapt/workerProtocol';
import { Emitter } from '../base/emitter';
import { spawnWorker, type WorkerScript } from '../base/threads';
import type { PipelineTrace } from '../complete/pipeline';
import type { Completion, CompletionEngine, CompletionRequest } from '../complete/types';
import type { EngineTiming, WorkerMarks } from '../complete/requestTiming';
import type { BaseShape, EngineHandle, EngineLoader } from './lifecycle';
import { describeError } from '../log';
import type { LoadOptions } from './load';
import { describeModel } from '../status';
import {
  fromRefusal,
  plainRequest,
  type EngineCommand,
  type EngineReply,
  type EngineWorkerData,
} from './workerProtocol';

/** The completion worker is gone: it crashed, exited, or was released. */
export class EngineStoppedError extends Error {
  override readonly name = 'EngineStoppedError';
}

export interface WorkerEngineOptions extends LoadOptions {
  /** How long a released worker may take to free its model before it is terminated. */
  readonly graceMs?: number;
}

/**
 * The loader the extension uses: the model from `folder`, loaded and run in a worker thread
 * (`script`, dist/engineWorker.js), so model steps never block the extension host. Resolves
 * once the model is ready there; a missing or corrupt model rejects with the worker's message.
 */
export function workerEngineLoader(
  folder: string,
  script: WorkerScript,
  options: WorkerEngineOptions = {},
): EngineLoader {
  return () => WorkerEngine.start(folder, script, options).then((engine) => engine.handle);
}

interface Waiting<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The host's side of the completion worker. `complete` posts the request with an id and
 * resolves with the worker's answer; an aborted signal posts a cancel and resolves undefined
 * at once. If the thread dies, every open request rejects with an EngineStoppedError, later
 * ones too, and the stop listeners (the engine lifecycle) hear why.
 */
export class WorkerEngine implements CompletionEngine {
  /** What the pipeline did for the last answered request (for tests and the log). */
  lastTrace: PipelineTrace = {};
  private nextId = 0;
  private readonly completions = new Map<number, Waiting<Completion | undefined>>();
  private readonly applies = new Map<number, Waiting<void>>();
  /** Timed requests until the worker answers them, cancelled ones too (they are answered late). */
  private readonly timings = new Map<number, EngineTiming>();
  // heard once: the emitter is emptied when it fires; a listener's own failure must not keep the others from hearing it
  private readonly stops = new Emitter<Error>(() => undefined);
  /** Set once the worker is gone or going: requests are refused with it. */
  private stopped: Error | undefined;
  /** The worker died by itself (not released). */
  private crashed = false;
  private readonly released: Promise<void>;
  private markReleased: () => void = () => undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly graceMs: number,
    readonly modelId: string,
    private readonly shape: BaseShape,
    readonly summary: string,
    private readonly remoteModelLoading: boolean,
  ) {
    this.released = new Promise<void>((resolve) => (this.markReleased = resolve));
  }

  /** Starts the worker and waits until its model is loaded. */
  static start(folder: string, script: WorkerScript, options: WorkerEngineOptions = {}): Promise<WorkerEngine> {
    const { graceMs = 2_000, ...load } = options;
    const started = performance.now();
    const data: EngineWorkerData = { folder, options: load };
    const worker = spawnWorker(script, data);
    return new Promise<WorkerEngine>((resolve, reject) => {
      const onMessage = (reply: EngineReply): void => {
        if (reply.type === 'ready') {
          settle();
          const summary = describeModel(reply.stage, reply.params, performance.now() - started);
          resolve(
            new WorkerEngine(worker, graceMs, reply.modelId, reply.shape, summary, reply.remoteModelLoading).listen(),
          );
        } else if (reply.type === 'loadFailed') {
          early(new Error(reply.message));
        } else {
          early(new Error(`the completion worker answered "${reply.type}" before its model loaded`));
        }
      };
      const onError = (error: Error): void =>
        early(new EngineStoppedError(`the completion worker failed while loading: ${describeError(error)}`));
      const onExit = (code: number): void =>
        early(new EngineStoppedError(`the completion worker exited (code ${code}) before its model loaded`));
      const settle = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const early = (error: Error): void => {
        settle();
        // a thread that never became an engine: nothing to release but the thread itself
        worker.on('error', () => undefined);
        void worker.terminate();
        reject(error);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** The engine as the lifecycle holds it. */
  get handle(): EngineHandle {
    return {
      engine: this,
      summary: this.summary,
      remoteModelLoading: this.remoteModelLoading,
      personal: { modelId: this.modelId, shape: this.shape, apply: (file) => this.applyPersonal(file) },
      dispose: () => this.dispose(),
      onDidStop: (listener) => this.onDidStop(listener),
    };
  }

  complete(request: CompletionRequest, signal: AbortSignal, timing?: EngineTiming): Promise<Completion | undefined> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (signal.aborted) return Promise.resolve(undefined);
    const id = ++this.nextId;
    return new Promise<Completion | undefined>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.completions.delete(id)) return;
        this.post({ type: 'cancel', id });
        resolve(undefined);
      };
      const done = (): void => signal.removeEventListener('abort', onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
      this.completions.set(id, {
        resolve: (completion) => {
          done();
          resolve(completion);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      if (timing) {
        this.timings.set(id, timing);
        timing.posted();
      }
      this.send({ type: 'complete', id, request: plainRequest(request) }, id);
    });
  }

  warm(request: CompletionRequest): void {
    if (!this.stopped) this.post({ type: 'warm', request: plainRequest(request) });
  }

  noteFile(path: string, text: string): void {
    if (!this.stopped) this.post({ type: 'file', path, text });
  }

  indexWorkspace(scope: WorkspaceScope): void {
    if (!this.stopped)
      this.post({
        type: 'workspace',
        scope: { ...scope, folders: [...scope.folders], excludeGlobs: [...scope.excludeGlobs] },
      });
  }

  indexFile(path: string): void {
    if (!this.stopped) this.post({ type: 'workspaceFile', path });
  }

  /**
   * Has the worker read, check and apply the personal model file at `file` (or, with
   * undefined, remove the personal model); resolves once completions use it. A file the worker
   * refuses rejects with its AdapterFileError, and the worker completes with the base model.
   */
  applyPersonal(file: string | undefined): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = ++this.nextId;
    return new Promise<void>((resolve, reject) => {
      this.applies.set(id, { resolve, reject });
      this.send({ type: 'personal', id, file }, id);
    });
  }

  /** Hears, once, that the worker died by itself. */
  onDidStop(listener: (error: Error) => void): void {
    if (this.crashed && this.stopped) {
      const error = this.stopped;
      queueMicrotask(() => listener(error));
    } else if (!this.stopped) {
      this.stops.listen(listener);
    }
  }

  /**
   * Asks the worker to release the model, then ends the thread (at the latest after the grace
   * period). Requests still open resolve undefined; later ones are refused.
   */
  async dispose(): Promise<void> {
    if (this.stopped) return;
    this.stopped = new EngineStoppedError('the completion engine was released');
    this.stops.dispose();
    for (const waiting of this.completions.values()) waiting.resolve(undefined);
    this.completions.clear();
    this.untimeAll();
    // nothing is left to apply a personal model to
    for (const waiting of this.applies.values()) waiting.resolve();
    this.applies.clear();
    this.post({ type: 'dispose' });
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.graceMs)));
    await Promise.race([this.released, grace]);
    clearTimeout(timer);
    await this.worker.terminate();
  }

  private listen(): this {
    this.worker.on('message', (reply: EngineReply) => this.receive(reply));
    this.worker.on('error', (error) =>
      this.fail(new EngineStoppedError(`the completion worker failed: ${describeError(error)}`)),
    );
    this.worker.on('messageerror', (error) =>
      this.fail(new EngineStoppedError(`the completion worker sent an unreadable message: ${describeError(error)}`)),
    );
    this.worker.on('exit', (code) => {
      this.markReleased();
      this.fail(new EngineStoppedError(`the completion worker exited (code ${code})`));
    });
    return this;
  }

  private receive(reply: EngineReply): void {
    switch (reply.type) {
      case 'completed': {
        if (reply.trace) this.lastTrace = reply.trace;
        this.timed(reply.id, reply.timing);
        const waiting = this.completions.get(reply.id);
        this.completions.delete(reply.id);
        waiting?.resolve(reply.completion);
        return;
      }
      case 'applied': {
        const waiting = this.applies.get(reply.id);
        this.applies.delete(reply.id);
        waiting?.resolve();
        return;
      }
      case 'refused': {
        const waiting = this.applies.get(reply.id);
        this.applies.delete(reply.id);
        waiting?.reject(fromRefusal(reply.refusal));
        return;
      }
      case 'failed': {
        this.timed(reply.id, undefined);
        const waiting = this.completions.get(reply.id) ?? this.applies.get(reply.id);
        this.completions.delete(reply.id);
        this.applies.delete(reply.id);
        waiting?.reject(new Error(reply.message));
        return;
      }
      case 'disposed':
        this.markReleased();
        return;
      case 'ready':
      case 'loadFailed':
        return;
    }
  }

  /** The worker is gone without being released: refuse everything and tell the listeners. */
  private fail(error: EngineStoppedError): void {
    if (this.stopped) return;
    this.stopped = error;
    this.crashed = true;
    for (const waiting of [...this.completions.values(), ...this.applies.values()]) waiting.reject(error);
    this.completions.clear();
    this.applies.clear();
    this.untimeAll();
    this.stops.fire(error);
    this.stops.dispose();
    void this.worker.terminate();
  }

  /** Posts a command that `id` waits on; a message that cannot be sent fails that request only. */
  private send(command: EngineCommand, id: number): void {
    try {
      this.worker.postMessage(command);
    } catch (error) {
      const waiting = this.completions.get(id) ?? this.applies.get(id);
      this.completions.delete(id);
      this.applies.delete(id);
      this.timed(id, undefined);
      waiting?.reject(new Error(`the request could not be sent to the completion worker: ${describeError(error)}`));
    }
  }

  /** Hands the worker's marks of request `id` to its timing, if it was timed. */
  private timed(id: number, marks: WorkerMarks | undefined): void {
    const timing = this.timings.get(id);
    if (!timing) return;
    this.timings.delete(id);
    timing.answered(marks);
  }

  /** No answer will come: the timings of open requests end without the worker's marks. */
  private untimeAll(): void {
    for (const timing of this.timings.values()) timing.answered(undefined);
    this.timings.clear();
  }

  private post(command: EngineCommand): void {
    try {
      this.worker.postMessage(command);
    } catch {
      // the worker is gone; its exit is reported on its own
    }
  }
}
