import type { AdapterContents } from '../adapt/adapterFile';
import type { KnnKeys } from '../adapt/knnStore';
import { LowRankAdapter, type AdapterShape } from '../adapt/lowRankAdapter';
import type { PipelineTrace } from '../complete/pipeline';
import type { Completion, CompletionRequest } from '../complete/types';
import type { BaseShape } from './lifecycle';
import type { LoadOptions } from './load';

/**
 * What the extension host and the completion worker (src/worker/engineWorker.ts) say to each
 * other. Plain data only: it crosses a worker_threads boundary by structured clone. Every
 * command that expects an answer carries an id; the worker answers in the order it was asked.
 */

/** The worker's workerData: which model to load and how. */
export interface EngineWorkerData {
  readonly folder: string;
  readonly options: LoadOptions;
}

/**
 * A personal model file's decoded contents as plain arrays (structured clone keeps typed
 * arrays but drops the LowRankAdapter class).
 */
export interface PersonalData {
  readonly modelId: string;
  readonly shape: AdapterShape;
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly tokens: Uint16Array;
  readonly knn?: KnnKeys | undefined;
  readonly meta: Record<string, unknown>;
}

export type EngineCommand =
  | { readonly type: 'complete'; readonly id: number; readonly request: CompletionRequest }
  /** Aborts that request's AbortController; the decoder stops at its next step. */
  | { readonly type: 'cancel'; readonly id: number }
  /** Applies a personal model (none: removes it) and forgets remembered suggestions. */
  | { readonly type: 'personal'; readonly id: number; readonly personal: PersonalData | undefined }
  /** A file the user worked in lately (snippets for other files); no answer. */
  | { readonly type: 'file'; readonly path: string; readonly text: string }
  /** Ends the request in flight, releases the model and closes the port. */
  | { readonly type: 'dispose' };

export type EngineReply =
  | {
      readonly type: 'ready';
      readonly modelId: string;
      readonly shape: BaseShape;
      readonly stage: string;
      readonly params: number;
      readonly remoteModelLoading: boolean;
    }
  | { readonly type: 'loadFailed'; readonly message: string }
  /** trace: what the pipeline did, absent when the request was cancelled before it started. */
  | {
      readonly type: 'completed';
      readonly id: number;
      readonly completion: Completion | undefined;
      readonly trace?: PipelineTrace;
    }
  | { readonly type: 'applied'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'disposed' };

export function toPersonalData(contents: AdapterContents): PersonalData {
  const { adapter, modelId, tokens, knn, meta } = contents;
  return { modelId, shape: { ...adapter.shape }, a: adapter.a, b: adapter.b, tokens, knn, meta };
}

export function fromPersonalData(data: PersonalData): AdapterContents {
  const adapter = new LowRankAdapter(data.shape, { a: data.a, b: data.b });
  return { modelId: data.modelId, adapter, tokens: data.tokens, knn: data.knn, meta: data.meta };
}

/** Only the request's own fields travel (a caller's object may carry more than clones). */
export function plainRequest(request: CompletionRequest): CompletionRequest {
  const { prefix, suffix, languageId, path, position, maxTokens } = request;
  return {
    prefix,
    suffix,
    languageId,
    path,
    position: { line: position.line, character: position.character },
    maxTokens,
  };
}
