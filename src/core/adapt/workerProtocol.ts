import type { LogLevel } from '../log';

/**
 * What the editor and the learning worker (src/worker/adaptWorker.ts) say to each other.
 * Plain data only: it crosses a worker_threads boundary by structured clone. Steering (pause,
 * abort, CPU share) goes through a LearningControl's shared memory, not through messages.
 */
export interface WorkspaceScope {
  /** Absolute paths of the workspace folders. */
  readonly folders: readonly string[];
  /** `ondi.disabledGlobs` and `files.exclude`, on top of the globs never learned from. */
  readonly excludeGlobs: readonly string[];
  /** Leave out what the folders' .gitignore files ignore. */
  readonly respectGitignore: boolean;
}

/** Text the user recently wrote (edited regions, accepted completions): learned first, weighted higher. */
export interface RecentText {
  readonly path: string;
  readonly text: string;
}

export interface TrainJob extends WorkspaceScope {
  readonly kind: 'train';
  readonly modelFolder: string;
  readonly outFile: string;
  readonly recent: readonly RecentText[];
  readonly rank: number;
  readonly maxTokens: number;
  /** A LearningControl's buffer. */
  readonly control: SharedArrayBuffer;
}

export interface MeasureJob extends WorkspaceScope {
  readonly kind: 'measure';
  readonly modelFolder: string;
  readonly adapterFile: string;
  readonly samples: number;
  readonly seed: number;
  readonly control: SharedArrayBuffer;
}

export type AdaptJob = TrainJob | MeasureJob;

/** What a personal model file's header says about what it learned from (its `meta`). */
export interface LearnedMeta {
  readonly trainedAt: string;
  readonly seconds: number;
  readonly loss: number;
  readonly tokens: number;
  /** Workspace files learned from (inside the token budget), and their names (all of them; older files list the first 200). */
  readonly files: number;
  readonly fileList: readonly string[];
  /** Recently edited regions learned from. */
  readonly recentEdits: number;
  readonly redactions: number;
  readonly rank: number;
  readonly sampling: string;
  /** Whether decoding uses the adapter: it must have predicted the newest files better than the base model. */
  readonly adapterApplied?: boolean;
  /** Loss (nats/token) on the newest files before the adapter learned them: base vs adapted. */
  readonly validation?: {
    readonly tokens: number;
    readonly baseLoss: number;
    readonly adaptedLoss: number;
    readonly strength?: number;
  };
}

export interface LiftScores {
  readonly em: number;
  readonly es: number;
}

/** Base vs personal model on lines of the user's recent files, same cases, same path. */
export interface LiftResult {
  /** unseen: files the personal model did not learn (none of its training set); the only basis measured. */
  readonly basis: 'unseen';
  readonly files: readonly string[];
  readonly cases: number;
  readonly base: LiftScores;
  readonly adapted: LiftScores;
  readonly seconds: number;
}

export type LearningPhase = 'loading' | 'collecting' | 'learning' | 'saving' | 'measuring';

export type WorkerEvent =
  | {
      readonly type: 'progress';
      readonly phase: LearningPhase;
      readonly done: number;
      readonly total: number;
      /** While learning: tokens of the stream learned so far, and its length. */
      readonly tokens?: { readonly done: number; readonly total: number };
    }
  /** The run held at its checkpoint, `delayMs` after the pause was asked for (typing, "Pause Learning"). */
  | { readonly type: 'held'; readonly delayMs: number }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string }
  | { readonly type: 'trained'; readonly meta: LearnedMeta; readonly file: string }
  | { readonly type: 'measured'; readonly lift: LiftResult }
  | { readonly type: 'failed'; readonly message: string; readonly cancelled: boolean };
