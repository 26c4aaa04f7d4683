import * as os from 'node:os';
import { readAdapterFile } from '../core/adapt/adapterFile';
import { ControlCheckpoint, LearningControl } from '../core/adapt/learningControl';
import { NothingUnlearnedError, unlearnedSources } from '../core/adapt/liftSources';
import { learnedMetaOf } from '../core/adapt/personalStore';
import { saveWorkspaceModel, trainWorkspace } from '../core/adapt/trainWorkspace';
import type { LearnedMeta, LiftResult, MeasureJob, TrainJob, WorkerEvent } from '../core/adapt/workerProtocol';
import { collectWorkspace } from '../core/adapt/workspaceSources';
import { scoreEngine } from '../core/eval/completionEval';
import { sampleLineCases } from '../core/eval/lineSamples';
import { loadEngine } from '../core/engine/load';
import { applyPersonal } from '../core/engine/modelEngine';

/** Single-line completion budget, as the extension and `ondi eval completion` use it. */
const MAX_COMPLETION_TOKENS = 48;

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

/**
 * Trains the personal model of a workspace and writes it atomically to `job.outFile`. Steered
 * through `job.control` (throttle, pause, abort) between training windows.
 */
export async function runTrainJob(job: TrainJob, emit: (event: WorkerEvent) => void): Promise<LearnedMeta> {
  const threads = trainingThreads();
  const control = new LearningControl(job.control);
  const checkpoint = new ControlCheckpoint(control, {
    threads,
    onHold: (delayMs) => emit({ type: 'held', delayMs: Math.round(delayMs) }),
  });
  const stopIfAborted = (): void => {
    if (control.state === 'abort') throw new CancelledError('learning was stopped');
  };
  const started = Date.now();
  const phases = new PhaseClock();
  emit({ type: 'progress', phase: 'collecting', done: 0, total: 1 });
  const log = (message: string): void => emit({ type: 'log', level: 'info', message });
  const workspace = await collectWorkspace(job, { log });
  stopIfAborted();
  const recent = workspace.recent(job.recent);
  if (recent.documents.length === 0 && workspace.sources.length === 0)
    throw new Error('there are no source files Ondi may learn from in this workspace');

  phases.mark('listing files');
  emit({ type: 'progress', phase: 'loading', done: 0, total: 1 });
  const engine = await loadEngine(job.modelFolder, { threads, suggestionCache: false });
  phases.mark('loading the model');
  try {
    stopIfAborted();
    const abort = new AbortController();
    let training;
    try {
      training = await trainWorkspace(workspace, engine, {
        maxTokens: job.maxTokens,
        rank: job.rank,
        recent,
        startedAt: started,
        beforeTraining: () => {
          stopIfAborted();
          phases.mark('reading files');
          checkpoint.restart();
        },
        signal: abort.signal,
        checkpoint: () => {
          if (!checkpoint.between()) abort.abort();
        },
        onProgress: (done, total, tokens) => {
          const learned = Math.min(tokens, Math.round((tokens * done) / Math.max(1, total)));
          emit({ type: 'progress', phase: 'learning', done, total, tokens: { done: learned, total: tokens } });
          if (!checkpoint.between()) abort.abort();
        },
      });
    } catch (error) {
      if (abort.signal.aborted || control.state === 'abort') throw new CancelledError('learning was stopped');
      throw error;
    }
    stopIfAborted();
    const { meta } = training;
    phases.mark('learning');
    emit({ type: 'progress', phase: 'saving', done: 0, total: 1 });
    await saveWorkspaceModel(job.outFile, engine.info.modelId, training);
    phases.mark('saving');
    const holds = checkpoint.holdDelays;
    emit({
      type: 'log',
      level: 'info',
      message:
        `learned from ${meta.files} files and ${meta.recentEdits} recent edits (${meta.tokens} tokens) with ${threads} threads: ` +
        `${phases.describe()}; ${round(checkpoint.slept / 1000)} s of it held or throttled` +
        (holds.length > 0
          ? `; held ${holds.length} times, at most ${Math.round(Math.max(...holds))} ms after the request`
          : ''),
    });
    return meta;
  } finally {
    await engine.dispose();
  }
}

/**
 * Scores the base model and the personal model on the same lines of the user's most recently
 * changed files that the personal model did not learn (DESIGN.md's line-completion protocol):
 * every file of its training set is left out, so it is judged on code it never saw. With no
 * such file it fails with NothingUnlearnedError instead of measuring what it remembers.
 */
export async function runMeasureJob(job: MeasureJob, emit: (event: WorkerEvent) => void): Promise<LiftResult> {
  const control = new LearningControl(job.control);
  const checkpoint = new ControlCheckpoint(control);
  const started = performance.now();
  emit({ type: 'progress', phase: 'collecting', done: 0, total: 1 });
  const workspace = await collectWorkspace(job, { log: (message) => emit({ type: 'log', level: 'info', message }) });
  const engine = await loadEngine(job.modelFolder, { threads: 1, suggestionCache: false });
  try {
    const contents = await readAdapterFile(job.adapterFile, engine.info.modelId);
    const unlearned = unlearnedSources(workspace.sources, learnedMetaOf(contents));
    if (unlearned.none !== undefined) throw new NothingUnlearnedError(unlearned.none);
    const { documents, read: chosen } = await workspace.read(unlearned.sources.slice(0, 5));
    const cases = sampleLineCases(
      chosen.map((s, i) => ({ path: s.path, text: documents[i]?.text ?? '' })),
      job.samples,
      job.seed,
    );
    if (cases.length === 0) throw new Error('the recent files have no lines to measure on');
    const total = cases.length * 2;
    const onProgress =
      (offset: number) =>
      (done: number): void => {
        emit({ type: 'progress', phase: 'measuring', done: offset + done, total });
        if (!checkpoint.between()) throw new CancelledError('measuring was stopped');
      };
    checkpoint.restart();
    await applyPersonal(engine, undefined);
    const base = await scoreEngine(engine.pipeline, cases, MAX_COMPLETION_TOKENS, onProgress(0));
    await applyPersonal(engine, job.adapterFile);
    const adapted = await scoreEngine(engine.pipeline, cases, MAX_COMPLETION_TOKENS, onProgress(cases.length));
    return {
      basis: 'unseen',
      files: chosen.map((s) => s.label),
      cases: cases.length,
      base: { em: base.metrics.em, es: base.metrics.es },
      adapted: { em: adapted.metrics.em, es: adapted.metrics.es },
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await engine.dispose();
  }
}

/**
 * Threads of the worker's model: two, as `ondi adapt` uses, where the machine has them. The
 * worker runs at the lowest priority and holds at once when the user types, so while the
 * editor is idle it may as well use what `ondi adapt` uses.
 */
function trainingThreads(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/** Wall time of each phase of a run, for the log line that ends it. */
class PhaseClock {
  private last = performance.now();
  private readonly parts: string[] = [];

  mark(phase: string): void {
    const now = performance.now();
    this.parts.push(`${phase} ${round((now - this.last) / 1000, 1)} s`);
    this.last = now;
  }

  describe(): string {
    return this.parts.join(', ');
  }
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
