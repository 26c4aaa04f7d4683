import type { ModelInfo } from '../model/modelFolder';
import type { OnnxModel } from '../model/onnxModel';
import type { Tokenizer } from '../model/tokenizer';
import { namingFile } from '../store/writeError';
import { writeAdapterFile } from './adapterFile';
import type { KnnKeys } from './knnStore';
import type { LowRankAdapter } from './lowRankAdapter';
import { tokenStream, trainPersonal, type TrainedPersonalModel, type TrainingDocument } from './trainPersonal';
import type { LearnedMeta } from './workerProtocol';
import type { RecentDocuments, Workspace } from './workspaceSources';

const SAMPLING =
  'recent edits first, then workspace files, most recently modified first, until the token budget is spent';

/** What training needs of a loaded engine. */
export interface TrainingEngine {
  readonly model: OnnxModel;
  readonly tokenizer: Tokenizer;
  readonly info: Pick<ModelInfo, 'modelId' | 'eosTokenId'>;
}

export interface WorkspaceTrainingOptions {
  readonly maxTokens: number;
  /**
   * Tokens of the workspace the cache model reads: the learned ones, then newer-first files
   * past them (none beyond the learned ones when absent). Reading costs no model time.
   */
  readonly cacheTokens?: number;
  /** The adapter's rank; trainPersonal's default when absent. */
  readonly rank?: number;
  /** Recent edits (Workspace.recent), learned first. */
  readonly recent?: RecentDocuments;
  /** false: the token stream only, no adapter trained (an evaluation that leaves the adapter out). */
  readonly adapter?: boolean;
  /** When the run began (the model's `trainedAt`); files changed after it count as unseen. */
  readonly startedAt?: number;
  /** Called once the files are read, before training starts; throws to stop there. */
  readonly beforeTraining?: () => void;
  readonly signal?: AbortSignal;
  /** Inside each training window (trainPersonal's `checkpoint`). */
  readonly checkpoint?: () => void;
  readonly onProgress?: (done: number, total: number, tokens: number) => void;
}

/** A trained personal model, or only its token stream when no adapter was asked for. */
export type TrainedStream = Omit<TrainedPersonalModel, 'adapter' | 'knn'> & {
  readonly adapter: LowRankAdapter | undefined;
  readonly knn: KnnKeys | undefined;
  /** What the cache and snippets read: the learned tokens, then the workspace's files past them. */
  readonly stream: Uint16Array;
};

export interface WorkspaceTraining {
  readonly trained: TrainedStream;
  /** What the model file's header records (one shape, whoever trained it). */
  readonly meta: LearnedMeta;
}

/** Nothing readable was left to learn from (every listed file vanished or is not code). */
export class NothingToLearnError extends Error {
  override readonly name = 'NothingToLearnError';
}

/**
 * Trains a personal model on a collected workspace: recent edits first, then its files newest
 * first, read only until the token budget is filled. The one training the learning worker,
 * `ondi adapt` and `ondi eval completion --train` share.
 */
export async function trainWorkspace(
  workspace: Workspace,
  engine: TrainingEngine,
  options: WorkspaceTrainingOptions,
): Promise<WorkspaceTraining> {
  const startedAt = options.startedAt ?? Date.now();
  const recent = options.recent ?? { documents: [], redactions: 0 };
  const { maxTokens } = options;
  const streamTokens = Math.max(maxTokens, options.cacheTokens ?? 0);
  const countTokens = (text: string): number => engine.tokenizer.encode(text).length;
  // files are read only until the budget left after the recent edits is filled
  const used = recent.documents.reduce((n, d) => n + 1 + countTokens(d.text), 0);
  const files = await workspace.read(workspace.sources, { maxTokens: streamTokens, countTokens, used });
  const documents = [...recent.documents, ...files.documents];
  if (documents.length === 0)
    throw new NothingToLearnError('there are no readable source files Ondi may learn from in this workspace');
  options.beforeTraining?.();
  const learned =
    options.adapter === false
      ? {
          ...tokenStream(engine.tokenizer, documents, engine.info.eosTokenId, maxTokens),
          adapter: undefined,
          knn: undefined,
          seconds: 0,
          finalLoss: NaN,
          useAdapter: false,
          validation: undefined,
        }
      : await trainPersonal(engine.model, engine.tokenizer, documents, {
          maxTokens,
          ...(options.rank !== undefined ? { rank: options.rank } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        });
  const trained: TrainedStream = {
    ...learned,
    stream: withRest(learned.tokens, documents.slice(learned.documents), streamTokens, engine),
  };
  const learnedFiles = files.read.slice(0, Math.max(0, trained.documents - recent.documents.length));
  const meta: LearnedMeta = {
    trainedAt: new Date(startedAt).toISOString(),
    seconds: round(trained.seconds),
    loss: round(trained.finalLoss, 4),
    tokens: trained.tokens.length,
    files: learnedFiles.length,
    // every one: the lift is measured only on files not in this list (liftSources.ts)
    fileList: learnedFiles.map((s) => s.label),
    recentEdits: Math.min(recent.documents.length, trained.documents),
    redactions: recent.redactions + files.redactions,
    rank: trained.adapter?.shape.rank ?? options.rank ?? 0,
    sampling: SAMPLING,
    adapterApplied: trained.useAdapter,
    ...(trained.validation ? { validation: roundValidation(trained.validation) } : {}),
  };
  return { trained, meta };
}

/** Writes the trained model atomically to `file`; a failed write names the file. */
export async function saveWorkspaceModel(file: string, modelId: string, training: WorkspaceTraining): Promise<void> {
  const { trained, meta } = training;
  if (!trained.adapter) throw new Error('only the token stream was built: there is no adapter to save');
  await writeAdapterFile(file, {
    modelId,
    adapter: trained.adapter,
    tokens: trained.stream,
    knn: trained.knn,
    meta: { ...meta },
  }).catch((error: unknown) => {
    throw namingFile(error, file);
  });
}

/** The learned tokens followed by the documents past them, up to `total` tokens. */
function withRest(
  learned: Uint16Array,
  rest: readonly TrainingDocument[],
  total: number,
  engine: TrainingEngine,
): Uint16Array {
  if (rest.length === 0 || learned.length >= total) return learned;
  const { tokens } = tokenStream(engine.tokenizer, rest, engine.info.eosTokenId, total - learned.length);
  const stream = new Uint16Array(learned.length + tokens.length);
  stream.set(learned);
  stream.set(tokens, learned.length);
  return stream;
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
