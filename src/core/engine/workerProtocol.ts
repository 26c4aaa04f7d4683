import { AdapterFileError } from '../adapt/adapterValidation';
import type { WorkspaceScope } from '../adapt/workerProtocol';
import type { PipelineTrace } from '../complete/pipeline';
import type { Completion, CompletionRequest } from '../complete/types';
import type { WorkerMarks } from '../complete/requestTiming';
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

export type EngineCommand =
  | { readonly type: 'complete'; readonly id: number; readonly request: CompletionRequest }
  /** Aborts that request's AbortController; the decoder stops at its next step. */
  | { readonly type: 'cancel'; readonly id: number }
  /**
   * The user moved to this spot: feed its prompt into the decoder's cache ahead of their first
   * keystroke there; no answer. Any later request aborts it.
   */
  | { readonly type: 'warm'; readonly request: CompletionRequest }
  /**
   * Reads, checks and applies the personal model file at this path (none: removes the personal
   * model) and forgets remembered suggestions. The file is read in the worker, not sent.
   */
  | { readonly type: 'personal'; readonly id: number; readonly file: string | undefined }
  /** A file the user worked in lately (snippets for other files); no answer. */
  | { readonly type: 'file'; readonly path: string; readonly text: string }
  /**
   * Index every file of these folders that may be learned from, in the background, for
   * retrieval (no folders: forget them all); no answer.
   */
  | { readonly type: 'workspace'; readonly scope: WorkspaceScope }
  /** A file or folder of the workspace was created, saved, renamed or deleted; no answer. */
  | { readonly type: 'workspaceFile'; readonly path: string }
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
      /** When the worker received, started and finished it (requestTiming.ts). */
      readonly timing?: WorkerMarks;
    }
  | { readonly type: 'applied'; readonly id: number }
  /** The personal model file was refused (adapterValidation.ts); completions use the base model alone. */
  | { readonly type: 'refused'; readonly id: number; readonly refusal: Refusal }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'disposed' };

/** An AdapterFileError as plain data. */
export interface Refusal {
  readonly detail: string;
  readonly field?: string | undefined;
  readonly file?: string | undefined;
}

export function toRefusal(error: AdapterFileError): Refusal {
  return { detail: error.detail, field: error.field, file: error.file };
}

export function fromRefusal(refusal: Refusal): AdapterFileError {
  return new AdapterFileError(refusal.detail, refusal.field, refusal.file);
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
