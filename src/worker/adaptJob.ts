import * as path from 'node:path';
import { readAdapterFile, writeAdapterFile } from '../core/adapt/adapterFile';
import { ControlCheckpoint, LearningControl } from '../core/adapt/learningControl';
import { learnedMetaOf } from '../core/adapt/personalStore';
import { REDACTED, redactSecrets } from '../core/adapt/redact';
import { trainPersonal, type TrainingDocument } from '../core/adapt/trainPersonal';
import type { LearnedMeta, LiftResult, MeasureJob, TrainJob, WorkerEvent, WorkspaceScope } from '../core/adapt/workerProtocol';
import { collectDocuments, NEVER_LEARN, workspaceSecrets } from '../core/adapt/workspaceDocuments';
import { scoreEngine } from '../core/eval/completionEval';
import { sampleLineCases } from '../core/eval/lineSamples';
import { loadEngine } from '../core/loadEngine';
import { applyPersonal } from '../core/modelEngine';
import { createPathExcluder } from '../core/privacy/globs';
import { loadGitignore } from '../core/privacy/gitignore';

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
  readonly document: TrainingDocument;
  readonly path: string;
  /** Shown to the user: relative to its folder (prefixed with the folder's name in multi-root workspaces). */
  readonly label: string;
  readonly mtimeMs: number;
}

interface Workspace {
  readonly sources: Source[];
  readonly redactions: number;
  /** Values the folders' .env files declare (redacted from recent text too). */
  readonly secrets: string[];
  readonly allowed: (absolutePath: string) => boolean;
}

/** The files Ondi may learn from in every folder, newest first, secrets redacted. */
export async function collectWorkspace(scope: WorkspaceScope): Promise<Workspace> {
  const sources: Source[] = [];
  const secrets: string[] = [];
  const ignoredBy: ((p: string) => boolean)[] = [];
  let redactions = 0;
  for (const folder of scope.folders) {
    const ignored = scope.respectGitignore ? await loadGitignore(folder) : undefined;
    if (ignored) ignoredBy.push(ignored);
    const collected = await collectDocuments(folder, scope.excludeGlobs, ignored ? { ignored } : {});
    redactions += collected.redactions;
    secrets.push(...(await workspaceSecrets(folder)));
    collected.documents.forEach((document, i) => {
      const source = collected.sources[i];
      if (!source) return;
      const rel = path.relative(folder, source.path).split(path.sep).join('/');
      const label = scope.folders.length > 1 ? `${path.basename(folder)}/${rel}` : rel;
      sources.push({ document, path: source.path, label, mtimeMs: source.mtimeMs });
    });
  }
  if (scope.folders.length > 1 && secrets.length > 0) {
    // a value one folder's .env declares is redacted from every folder
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i] as Source;
      const known = removeKnown(s.document.text, secrets);
      if (known.count > 0) {
        redactions += known.count;
        sources[i] = { ...s, document: { ...s.document, text: known.text } };
      }
    }
  }
  sources.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
  const excluded = createPathExcluder([...NEVER_LEARN, ...scope.excludeGlobs]);
  const allowed = (p: string): boolean => {
    const inside = scope.folders.find((f) => !path.relative(f, p).startsWith('..') && !path.isAbsolute(path.relative(f, p)));
    if (!inside) return false;
    return !excluded(p) && !excluded(path.relative(inside, p)) && !ignoredBy.some((ignored) => ignored(p));
  };
  return { sources, redactions, secrets, allowed };
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
  const workspace = await collectWorkspace(job);
  stopIfAborted();
  let redactions = workspace.redactions;
  const recent: TrainingDocument[] = [];
  for (const r of job.recent) {
    if (!workspace.allowed(r.path)) continue;
    const redacted = redactSecrets(r.text, workspace.secrets);
    redactions += redacted.redactions;
    recent.push({ text: redacted.text, weight: RECENT_WEIGHT });
  }
  const documents = [...recent, ...workspace.sources.map((s) => s.document)];
  if (documents.length === 0) throw new Error('there are no source files Ondi may learn from in this workspace');

  emit({ type: 'progress', phase: 'loading', done: 0, total: 1 });
  const engine = await loadEngine(job.modelFolder, { threads: 1, suggestionCache: false });
  try {
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
    const learnedFiles = workspace.sources.slice(0, Math.max(0, trained.documents - recent.length));
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
      sampling: 'recent edits first, then workspace files, most recently modified first, until the token budget is spent',
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
  const workspace = await collectWorkspace(job);
  const engine = await loadEngine(job.modelFolder, { threads: 1, suggestionCache: false });
  try {
    const contents = await readAdapterFile(job.adapterFile, engine.info.modelId);
    const trainedAt = Date.parse(learnedMetaOf(contents).trainedAt);
    const unseen = trainedAt > 0 ? workspace.sources.filter((s) => s.mtimeMs > trainedAt) : [];
    const basis = unseen.length > 0 ? 'unseen' : 'seen';
    const chosen = (unseen.length > 0 ? unseen : workspace.sources).slice(0, 5);
    const cases = sampleLineCases(
      chosen.map((s) => ({ path: s.path, text: s.document.text })),
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

function removeKnown(text: string, values: readonly string[]): { text: string; count: number } {
  let out = text;
  let count = 0;
  for (const value of values) {
    if (value.length < 6 || !out.includes(value)) continue;
    const parts = out.split(value);
    count += parts.length - 1;
    out = parts.join(REDACTED);
  }
  return { text: out, count };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

function roundValidation(v: { tokens: number; baseLoss: number; adaptedLoss: number; strength: number }) {
  return { tokens: v.tokens, baseLoss: round(v.baseLoss, 4), adaptedLoss: round(v.adaptedLoss, 4), strength: v.strength };
}
