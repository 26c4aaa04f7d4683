import type { EngineTiming } from './requestTiming';

/**
 * The plain data that crosses from the editor adapter into the completion pipeline. No VS Code
 * types here: positions are plain objects and cancellation is an AbortSignal.
 */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

export interface CompletionRequest {
  /** Document text before the cursor. */
  readonly prefix: string;
  /** Document text after the cursor. */
  readonly suffix: string;
  readonly languageId: string;
  /** File system path (or URI path for unsaved documents). */
  readonly path: string;
  readonly position: TextPosition;
  readonly maxTokens: number;
}

export interface Completion {
  /** Text to insert at the cursor. */
  readonly text: string;
  /** Engine time in milliseconds. */
  readonly ms: number;
  /** Served from the suggestion cache (the rest of a suggestion on screen), not by a model call. */
  readonly cached?: boolean;
}

/** Whatever produces completions (the on-device model). Returns undefined when it has none. */
export interface CompletionEngine {
  /** `timing`, when given, hears when the request is posted and the engine's own marks (requestTiming.ts). */
  complete(request: CompletionRequest, signal: AbortSignal, timing?: EngineTiming): Promise<Completion | undefined>;
  /**
   * The user moved to a spot (opened a file, clicked, jumped): prepare its prompt before they
   * type there. Fire and forget; any completion request supersedes it.
   */
  warm?(request: CompletionRequest): void;
  /** A file the user worked in lately, whose code may help complete other files. */
  noteFile?(path: string, text: string): void;
  /**
   * Index the files these folders hold that may be learned from, for retrieval (core/retrieval),
   * in the background; no folders: forget them.
   */
  indexWorkspace?(scope: {
    readonly folders: readonly string[];
    readonly excludeGlobs: readonly string[];
    readonly respectGitignore: boolean;
  }): void;
  /** A workspace file or folder was created, saved, renamed or deleted. */
  indexFile?(path: string): void;
}
