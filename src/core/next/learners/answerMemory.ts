/**
 * What actually came next each recent time the user was on a given file: "the last times you
 * were in cart.ts, you went on to cart.test.ts". The general model knows which evidence usually
 * matters; this memory knows the file's own habits, including files that change with it often
 * but are not what the user goes to from it (a changelog that changes with everything).
 * Counts fade per question about that file, so a habit that changed is forgotten in a few
 * rounds.
 */
export interface AnswerMemoryOptions {
  /** Weight an earlier outcome keeps per later question about the same file. */
  readonly decay: number;
  /** How many outcomes the model's own estimate is worth when the two are blended. */
  readonly priorStrength: number;
  /** Files remembered at most (the least recently asked about are dropped first). */
  readonly maxFiles: number;
  /** Answers remembered at most per file (the weakest are dropped first). */
  readonly maxAnswers: number;
}

export const DEFAULT_ANSWER_MEMORY: AnswerMemoryOptions = Object.freeze({
  decay: 0.9,
  priorStrength: 5,
  maxFiles: 2000,
  maxAnswers: 64,
});

interface Row {
  /** Decayed number of times the user was asked about / came from this file. */
  asked: number;
  /** Decayed number of times each file came next. */
  readonly answers: Map<string, number>;
}

export class AnswerMemory {
  /** Insertion order doubles as recency: a file asked about again moves to the end. */
  private readonly rows = new Map<string, Row>();

  constructor(readonly options: AnswerMemoryOptions = DEFAULT_ANSWER_MEMORY) {}

  /** Records that, coming from `query`, the user went on to `answers`. */
  record(query: string, answers: Iterable<string>): void {
    const row = this.rows.get(query) ?? { asked: 0, answers: new Map<string, number>() };
    this.rows.delete(query);
    this.rows.set(query, row);
    const { decay, maxAnswers, maxFiles } = this.options;
    row.asked = decay * row.asked + 1;
    for (const [file, count] of row.answers) row.answers.set(file, decay * count);
    for (const file of answers) if (file !== query) row.answers.set(file, (row.answers.get(file) ?? 0) + 1);
    if (row.answers.size > maxAnswers) {
      const weakest = [...row.answers].sort((a, b) => a[1] - b[1]).slice(0, row.answers.size - maxAnswers);
      for (const [file] of weakest) row.answers.delete(file);
    }
    while (this.rows.size > maxFiles) {
      const oldest = this.rows.keys().next().value;
      if (oldest === undefined) break;
      this.rows.delete(oldest);
    }
  }

  /** How often `file` came next from `query`, and out of how many times (both decayed). */
  counts(query: string, file: string): { readonly answered: number; readonly asked: number } {
    const row = this.rows.get(query);
    return { answered: row?.answers.get(file) ?? 0, asked: row?.asked ?? 0 };
  }

  /**
   * The model's probability corrected by this file's own outcomes: a Beta-style average in
   * which the model's estimate counts as `priorStrength` earlier outcomes.
   */
  blend(query: string, file: string, probability: number): number {
    const { answered, asked } = this.counts(query, file);
    const k = this.options.priorStrength;
    return (k * probability + answered) / (k + asked);
  }

  /** Carries what was learned about a renamed or moved file over to its new path. */
  rename(from: string, to: string): void {
    const row = this.rows.get(from);
    if (row) {
      this.rows.delete(from);
      if (!this.rows.has(to)) this.rows.set(to, row);
    }
    for (const other of this.rows.values()) {
      const count = other.answers.get(from);
      if (count === undefined) continue;
      other.answers.delete(from);
      other.answers.set(to, (other.answers.get(to) ?? 0) + count);
    }
  }

  forget(file: string): void {
    this.rows.delete(file);
    for (const row of this.rows.values()) row.answers.delete(file);
  }
}
