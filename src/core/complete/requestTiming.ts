import { createWriteStream } from 'node:fs';

/**
 * When one inline completion request passed each step on its way through Ondi. Every mark is
 * a Date.now() in milliseconds: the editor's page, the extension host and the completion
 * worker read the same clock on one machine, so a keystroke timed in the page and these marks
 * line up (`npm run bench:editor`). Nothing is timed unless a sink is given.
 */

/** What the completion worker did with a request, in its own marks. */
export interface WorkerMarks {
  /** The worker received the request. */
  readonly queuedAt: number;
  /** The worker began it, once the work asked before it was done. */
  readonly startedAt: number;
  /** The pipeline returned (or the request was dropped unstarted). */
  readonly doneAt: number;
  /** How the pipeline answered: the model ran, the suggestion cache answered, or the prefilter said no. */
  readonly kind?: AnswerKind | undefined;
  /** When the model ran: prompt tokens served from the decoder's cache, and tokens fed. */
  readonly reused?: number | undefined;
  readonly fed?: number | undefined;
}

export type AnswerKind = 'model' | 'cached' | 'skipped';

/** How the provider's part ended. */
export type TimingOutcome = 'shown' | 'empty' | 'cancelled' | 'gated' | 'no-engine' | 'failed';

/** One line of the timing file. */
export interface TimingRecord {
  /** The provider's request number (counts every call in this window). */
  readonly id: number;
  readonly path: string;
  /** 0-based position of the cursor. */
  readonly line: number;
  readonly character: number;
  /** Alt+\ rather than typing. */
  readonly explicit: boolean;
  /** The wait the adaptive debounce chose. */
  readonly waitMs: number;
  /** VS Code called the provider. */
  readonly calledAt: number;
  /** The wait ran out (absent: cancelled during it, or never waited). */
  readonly waitedAt?: number;
  /** The request was posted to the engine. */
  readonly postedAt?: number;
  readonly worker?: WorkerMarks;
  /** The provider returned to VS Code, with items or without. */
  readonly returnedAt: number;
  readonly outcome: TimingOutcome;
  /** Characters of the suggestion handed out (outcome 'shown'). */
  readonly chars?: number;
}

/** What an engine notes about a request it was given (the worker client fills it). */
export interface EngineTiming {
  /** The request leaves for the engine now. */
  posted(): void;
  /** The engine's own marks came back (undefined: the engine never said, e.g. it stopped). */
  answered(worker: WorkerMarks | undefined): void;
}

export interface TimingStart {
  readonly id: number;
  readonly path: string;
  readonly line: number;
  readonly character: number;
  readonly explicit: boolean;
  readonly waitMs: number;
  readonly calledAt: number;
}

/**
 * Collects the marks of one request and hands the record to `emit` once, when both the
 * provider has returned and, if the request was posted, the worker's marks are in (a request
 * VS Code cancelled returns at once, while the worker still answers it later).
 */
export class RequestTiming implements EngineTiming {
  private waitedAt: number | undefined;
  private postedAt: number | undefined;
  private worker: WorkerMarks | undefined;
  private workerHeard = false;
  private end: { returnedAt: number; outcome: TimingOutcome; chars?: number } | undefined;
  private emitted = false;

  constructor(
    private readonly start: TimingStart,
    private readonly emit: (record: TimingRecord) => void,
    private readonly now: () => number = Date.now,
  ) {}

  waited(): void {
    this.waitedAt = this.now();
  }

  posted(): void {
    this.postedAt = this.now();
  }

  answered(worker: WorkerMarks | undefined): void {
    this.worker = worker;
    this.workerHeard = true;
    this.flush();
  }

  /** The provider returns now; `chars` of suggestion when it hands one out. */
  finish(outcome: TimingOutcome, chars?: number): void {
    if (this.end) return;
    this.end = { returnedAt: this.now(), outcome, ...(chars === undefined ? {} : { chars }) };
    this.flush();
  }

  private flush(): void {
    if (this.emitted || !this.end) return;
    if (this.postedAt !== undefined && !this.workerHeard) return;
    this.emitted = true;
    this.emit({
      ...this.start,
      ...(this.waitedAt === undefined ? {} : { waitedAt: this.waitedAt }),
      ...(this.postedAt === undefined ? {} : { postedAt: this.postedAt }),
      ...(this.worker === undefined ? {} : { worker: this.worker }),
      ...this.end,
    });
  }
}

/**
 * A sink that appends each record as one JSON line to `file` (created if missing). Writes are
 * buffered by the stream, so the provider never waits on the disk; a write error stops the
 * timing, never the completions.
 */
export function timingFileSink(file: string): (record: TimingRecord) => void {
  const stream = createWriteStream(file, { flags: 'a' });
  let broken = false;
  stream.on('error', () => (broken = true));
  return (record) => {
    if (!broken) stream.write(`${JSON.stringify(record)}\n`);
  };
}

/** How the pipeline answered, from its trace of this request. */
export function answerKind(trace: { readonly cached?: boolean; readonly skipped?: string }): AnswerKind {
  if (trace.cached) return 'cached';
  if (trace.skipped !== undefined) return 'skipped';
  return 'model';
}
