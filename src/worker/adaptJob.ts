import * as path from 'node:path';
import { readAdapterFile, writeAdapterFile } from '../core/adapt/adapterFile';
import { ControlCheckpoint, LearningControl } from '../core/adapt/learningControl';
import { learnedMetaOf } from '../core/adapt/personalStore';
import { redactSecrets } from '../core/privacy/redact';
import { trainPersonal, type TrainingDocument } from '../core/adapt/trainPersonal';
import type {
  LearnedMeta,
  LiftResult,
  MeasureJob,
  TrainJob,
  WorkerEvent,
  WorkspaceScope,
} from '../core/adapt/workerProtocol';
import { learnableFiles, readDocuments, workspaceSecrets, type TokenBudget } from '../core/adapt/workspaceDocuments';
import type { SourceEntry } from '../core/privacy/sourceFiles';
import { scoreEngine } from '../core/eval/completionEval';
import { sampleLineCases } from '../core/eval/lineSamples';
import { loadEngine } from '../core/engine/load';
import { namingFile } from '../core/store/writeError';
import { applyPersonal } from '../core/engine/modelEngine';
import { createPathExcluder } from '../core/privacy/globs';
import { NEVER_LEARN } from '../core/privacy/neverLearn';

/** Recently edited text counts this much more than a workspace file. */
export const RECENT_WEIGHT = 3;
/** Files listed by name in the personal model's header (the count covers them all). */
const LISTED_FILES = 200;
/** Single-line completion budget, as the extension and `ondi eval completion` use it. */
const MAX_COMPLETION_TOKENS = 48;

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

interface Source {
  readonly file: SourceEntry;
  readonly path: string;
  /** Shown to the user: relative to its folder (prefixed with the folder's name in multi-root workspaces). */
  readonly label: string;
  readonly mtimeMs: number;
}

interface Workspace {
  /** Every folder's learnable files, newest first, not read yet. */
  readonly sources: Source[];
  /** Values the folders' .env files declare (redacted from every folder and from recent text). */
  readonly secrets: string[];
  readonly allowed: (absolutePath: string) => boolean;
  /** Reads sources in their order, secrets redacted, until the budget (if any) is filled. */
  readonly read: (
    sources: readonly Source[],
    budget?: TokenBudget,
  ) => Promise<{ documents: TrainingDocument[]; read: Source[]; redactions: number }>;
}

/** The files Ondi may learn from in every folder, newest first, by metadata only. */
export async function collectWorkspace(
  scope: WorkspaceScope,
  log: (message: string) => void = () => undefined,
): Promise<Workspace> {
  const sources: Source[] = [];
  const secrets: string[] = [];
  const ignoredBy: ((p: string) => boolean)[] = [];
  for (const folder of scope.folders) {
    let listed;
    try {
      listed = await learnableFiles(folder, {
        excludeGlobs: scope.excludeGlobs,
        respectGitignore: scope.respectGitignore,
        log,
      });
    } catch (error) {
      // a folder removed or unreadable since the workspace opened: the others are still learned
      log(`skipped folder ${folder}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const { files, ignored } = listed;
    if (ignored) ignoredBy.push(ignored);
    secrets.push(...(await workspaceSecrets(folder)));
    for (const file of files) {
      const rel = path.relative(folder, file.path).split(path.sep).join('/');
      const label = scope.folders.length > 1 ? `${path.basename(folder)}/${rel}` : rel;
      sources.push({ file, path: file.path, label, mtimeMs: file.mtimeMs });
    }
  }
  sources.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
  const excluded = createPathExcluder([...NEVER_LEARN, ...scope.excludeGlobs]);
  const allowed = (p: string): boolean => {
    const inside = scope.folders.find(
      (f) => !path.relative(f, p).startsWith('..') && !path.isAbsolute(path.relative(f, p)),
    );
    if (!inside) return false;
    return !excluded(p) && !excluded(path.relative(inside, p)) && !ignoredBy.some((ignored) => ignored(p));
  };
  const read = async (chosen: readonly Source[], budget?: TokenBudget) => {
    // a value one folder's .env declares is redacted from every folder
    const collected = await readDocuments(
      chosen.map((s) => s.file),
      { known: secrets, log, ...(budget ? { budget } : {}) },
    );
    const byPath = new Map(chosen.map((s) => [s.path, s]));
    const readSources = collected.sources.map((s) => byPath.get(s.path) as Source);
    return { documents: collected.documents, read: readSources, redactions: collected.redactions };
  };
  return { sources, secrets, allowed, read };
}

/**
 * Trains the personal model of a workspace and writes it atomically to `job.outFile`. Steered
 * through `job.control` (throttle, pause, abort) between training windows.
 */
export async function runTrainJob(job: TrainJob, emit: (event: WorkerEvent) => void): Promise<LearnedMeta> {
  const control = new LearningControl(job.control);
  const checkpoint = new ControlCheckpoint(control);
  const stopIfAborted = (): void => {
    if (control.state === 'abort') throw new CancelledError('learning was stopped');
  };
  const started = Date.now();
  emit({ type: 'progress', phase: 'collecting', done: 0, total: 1 });
  const log = (message: string): void => emit({ type: 'log', level: 'info', message });
  const workspace = await collectWorkspace(job, log);
  stopIfAborted();
  let redactions = 0;
  const recent: TrainingDocument[] = [];
  for (const r of job.recent) {
    if (!workspace.allowed(r.path)) continue;
    const redacted = redactSecrets(r.text, workspace.secrets);
    redactions += redacted.redactions;
    recent.push({ text: redacted.text, weight: RECENT_WEIGHT });
  }
  if (recent.length === 0 && workspace.sources.length === 0)
    throw new Error('there are no source files Ondi may learn from in this workspace');

  emit({ type: 'progress', phase: 'loading', done: 0, total: 1 });
  const engine = await loadEngine(job.modelFolder, { threads: 1, suggestionCache: false });
  try {
    stopIfAborted();
    // files are read only until the budget left after the recent edits is filled
    const countTokens = (text: string): number => engine.tokenizer.encode(text).length;
    const used = recent.reduce((n, d) => n + 1 + countTokens(d.text), 0);
    const files = await workspace.read(workspace.sources, { maxTokens: job.maxTokens, countTokens, used });
    redactions += files.redactions;
    const documents = [...recent, ...files.documents];
    if (documents.length === 0)
      throw new Error('there are no readable source files Ondi may learn from in this workspace');
    stopIfAborted();
    const abort = new AbortController();
    checkpoint.restart();
    let trained;
    try {
      trained = await trainPersonal(engine.model, engine.tokenizer, documents, {
        rank: job.rank,
        maxTokens: job.maxTokens,
        signal: abort.signal,
        onProgress: (done, total) => {
          emit({ type: 'progress', phase: 'learning', done, total });
          if (!checkpoint.between()) abort.abort();
        },
      });
    } catch (error) {
      if (abort.signal.aborted || control.state === 'abort') throw new CancelledError('learning was stopped');
      throw error;
    }
    stopIfAborted();
    const learnedFiles = files.read.slice(0, Math.max(0, trained.documents - recent.length));
    const meta: LearnedMeta = {
      trainedAt: new Date(started).toISOString(),
      seconds: round(trained.seconds),
      loss: round(trained.finalLoss, 4),
      tokens: trained.tokens.length,
      files: learnedFiles.length,
      fileList: learnedFiles.slice(0, LISTED_FILES).map((s) => s.label),
      recentEdits: Math.min(recent.length, trained.documents),
      redactions,
      rank: job.rank,
      sampling:
        'recent edits first, then workspace files, most recently modified first, until the token budget is spent',
      adapterApplied: trained.useAdapter,
      ...(trained.validation ? { validation: roundValidation(trained.validation) } : {}),
    };
    emit({ type: 'progress', phase: 'saving', done: 0, total: 1 });
    await writeAdapterFile(job.outFile, {
      modelId: engine.info.modelId,
      adapter: trained.adapter,
      tokens: trained.tokens,
      knn: trained.knn,
      meta: { ...meta },
    }).catch((error: unknown) => {
      throw namingFile(error, job.outFile);
    });
    emit({
      type: 'log',
      level: 'info',
      message: `learned from ${meta.files} files and ${meta.recentEdits} recent edits (${meta.tokens} tokens) in ${meta.seconds} s of training, ${round(checkpoint.slept / 1000)} s of it held or throttled`,
    });
    return meta;
  } finally {
    await engine.dispose();
  }
}

/**
 * Scores the base model and the personal model on the same lines of the user's recent files
 * (DESIGN.md's line-completion protocol): files changed after training when there are any,
 * so the personal model is judged on code it never saw.
 */
export async function runMeasureJob(job: MeasureJob, emit: (event: WorkerEvent) => void): Promise<LiftResult> {
  const control = new LearningControl(job.control);
  const checkpoint = new ControlCheckpoint(control);
  const started = performance.now();
  emit({ type: 'progress', phase: 'collecting', done: 0, total: 1 });
  const workspace = await collectWorkspace(job, (message) => emit({ type: 'log', level: 'info', message }));
  const engine = await loadEngine(job.modelFolder, { threads: 1, suggestionCache: false });
  try {
    const contents = await readAdapterFile(job.adapterFile, engine.info.modelId);
    const trainedAt = Date.parse(learnedMetaOf(contents).trainedAt);
    const unseen = trainedAt > 0 ? workspace.sources.filter((s) => s.mtimeMs > trainedAt) : [];
    const basis = unseen.length > 0 ? 'unseen' : 'seen';
    const { documents, read: chosen } = await workspace.read(
      (unseen.length > 0 ? unseen : workspace.sources).slice(0, 5),
    );
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
    applyPersonal(engine, undefined);
    const base = await scoreEngine(engine.pipeline, cases, MAX_COMPLETION_TOKENS, onProgress(0));
    applyPersonal(engine, contents);
    const adapted = await scoreEngine(engine.pipeline, cases, MAX_COMPLETION_TOKENS, onProgress(cases.length));
    return {
      basis,
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

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

function roundValidation(v: { tokens: number; baseLoss: number; adaptedLoss: number; strength: number }) {
  return {
    tokens: v.tokens,
    baseLoss: round(v.baseLoss, 4),
    adaptedLoss: round(v.adaptedLoss, 4),
    strength: v.strength,
  };
}
