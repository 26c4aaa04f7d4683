// The completion worker (bundled as dist/engineWorker.js): loads the model named in
// workerData and answers completion requests one at a time, in the order they came, in its
// own thread. onnxruntime-node runs each model step synchronously on the thread that asks
// for it; here that is this thread, so the extension host's event loop stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { SerialQueue } from '../core/base/serialQueue';
import { answerKind, type AnswerKind, type WorkerMarks } from '../core/complete/requestTiming';
import { AdapterFileError } from '../core/adapt/adapterValidation';
import { toRefusal, type EngineCommand, type EngineReply, type EngineWorkerData } from '../core/engine/workerProtocol';
import { describeError } from '../core/log';
import { loadEngine, type LoadedEngine } from '../core/engine/load';
import { applyPersonal } from '../core/engine/modelEngine';
import { remoteModelLoadingAllowed } from '../core/model/tokenizer';
import { attachRetrieval } from '../core/retrieval/attachRetrieval';
import type { WorkspaceRetrieval } from '../core/retrieval/workspaceRetrieval';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('engineWorker must run as a worker thread');
  const reply = (message: EngineReply): void => port.postMessage(message);
  const data = workerData as EngineWorkerData;
  let engine: LoadedEngine | undefined;
  /** The workspace's files for retrieval, once the host has named its folders. */
  let retrieval: WorkspaceRetrieval | undefined;
  /** Requests that were asked and have not been answered: a cancel aborts one queued or running. */
  const open = new Map<number, AbortController>();
  /** The warm-up queued or running, if any. */
  let warming: AbortController | undefined;
  /** Work waiting for a moment with no completion or warm-up open (the workspace index build). */
  let waitingForQuiet: (() => void)[] = [];
  const busy = (): boolean => open.size > 0 || warming !== undefined;
  const whenQuiet = (): Promise<void> =>
    busy() ? new Promise((resolve) => waitingForQuiet.push(resolve)) : Promise.resolve();
  const quietNow = (): void => {
    if (busy()) return;
    const waiting = waitingForQuiet;
    waitingForQuiet = [];
    for (const resolve of waiting) resolve();
  };
  const abortAll = (): void => {
    for (const controller of open.values()) controller.abort();
    warming?.abort();
  };

  const load = async (): Promise<void> => {
    try {
      engine = await loadEngine(data.folder, data.options);
      const remoteModelLoading = await remoteModelLoadingAllowed();
      reply({
        type: 'ready',
        modelId: engine.info.modelId,
        shape: { hidden: engine.info.hiddenSize, vocab: engine.info.vocabSize },
        stage: engine.info.stage,
        params: engine.info.params,
        remoteModelLoading,
      });
    } catch (error) {
      reply({ type: 'loadFailed', message: describeError(error) });
    }
  };
  // The load first, then every command in order: one model call at a time.
  const queue = new SerialQueue();
  // each piece of work answers for itself; what it throws goes nowhere else
  const serially = (work: () => Promise<void> | void): void => void queue.run(work).catch(() => undefined);
  serially(load);

  const loaded = (): LoadedEngine => {
    if (!engine) throw new Error('the model is not loaded');
    return engine;
  };

  port.on('message', (command: EngineCommand) => {
    switch (command.type) {
      case 'complete': {
        const { id, request } = command;
        // only the newest keystroke's answer can still be shown: nothing waits behind stale work
        abortAll();
        const queuedAt = Date.now();
        const controller = new AbortController();
        open.set(id, controller);
        serially(async () => {
          const startedAt = Date.now();
          const timing = (kind?: AnswerKind): WorkerMarks => ({ queuedAt, startedAt, doneAt: Date.now(), kind });
          try {
            if (controller.signal.aborted) {
              reply({ type: 'completed', id, completion: undefined, timing: timing() });
              return;
            }
            const pipeline = loaded().pipeline;
            const before = pipeline.lastTrace;
            const completion = await pipeline.complete(request, controller.signal);
            const trace = pipeline.lastTrace;
            // a request dropped before the model ran leaves the previous request's trace in place
            const kind = trace === before ? undefined : answerKind(trace);
            const marks = timing(kind);
            const withTokens = kind === 'model' ? { ...marks, reused: trace.reused, fed: trace.fed } : marks;
            reply({ type: 'completed', id, completion, trace, timing: withTokens });
          } catch (error) {
            reply({ type: 'failed', id, message: describeError(error) });
          } finally {
            open.delete(id);
            quietNow();
          }
        });
        return;
      }
      case 'cancel':
        open.get(command.id)?.abort();
        return;
      case 'warm': {
        // a completion asked for stays the user's; a newer move makes an older warm-up moot
        warming?.abort();
        if (open.size > 0) return;
        const controller = new AbortController();
        warming = controller;
        serially(async () => {
          try {
            if (!controller.signal.aborted) await loaded().pipeline.prepare(command.request, controller.signal);
          } catch {
            // a warm-up that fails leaves the cache as it was; the completion feeds what it needs
          } finally {
            if (warming === controller) warming = undefined;
            quietNow();
          }
        });
        return;
      }
      case 'personal': {
        const { id, file } = command;
        serially(async () => {
          try {
            await applyPersonal(loaded(), file);
            reply({ type: 'applied', id });
          } catch (error) {
            reply(
              error instanceof AdapterFileError
                ? { type: 'refused', id, refusal: toRefusal(error) }
                : { type: 'failed', id, message: describeError(error) },
            );
          }
        });
        return;
      }
      case 'file': {
        const { path, text } = command;
        serially(() => loaded().pipeline.noteFile(path, text));
        return;
      }
      case 'workspace': {
        const { scope } = command;
        serially(() => {
          retrieval ??= attachRetrieval(loaded());
          // not awaited: the build reads one file at a time, each once no request is open
          void retrieval.build(scope, whenQuiet).catch(() => undefined);
        });
        return;
      }
      case 'workspaceFile': {
        const { path } = command;
        serially(() => void retrieval?.update(path).catch(() => undefined));
        return;
      }
      case 'dispose':
        abortAll();
        serially(async () => {
          const releasing = engine;
          engine = undefined;
          // the host terminates the thread after this answer (or its grace period) either way
          await releasing?.dispose().catch(() => undefined);
          reply({ type: 'disposed' });
          port.close();
        });
        return;
    }
  });
}

main();
