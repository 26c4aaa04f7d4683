/**
 * Counts of "in context C, the next step was S", where older observations fade by `decay`
 * per new one. Also keeps the plain count of each transition, for reasons people can check
 * ("... 14 times"). Memory is bounded: the weakest contexts go first.
 */
export interface Transition {
  /** Decayed weight of this transition. */
  readonly weight: number;
  /** How many times it was seen, not decayed. */
  readonly count: number;
}

interface Row {
  total: number;
  readonly next: Map<string, { raw: number; count: number }>;
}

export class TransitionTable {
  private readonly rows = new Map<string, Row>();
  private scale = 1;

  constructor(
    private readonly decay: number,
    private readonly maxContexts = 20_000,
  ) {}

  /** Records one observation: after `context` came `next`. Call `tick` once per new step. */
  add(context: string, next: string): void {
    let row = this.rows.get(context);
    if (!row) {
      if (this.rows.size >= this.maxContexts) this.evictWeakest();
      this.rows.set(context, (row = { total: 0, next: new Map() }));
    }
    const cell = row.next.get(next) ?? { raw: 0, count: 0 };
    cell.raw += this.scale;
    cell.count += 1;
    row.next.set(next, cell);
    row.total += this.scale;
  }

  /** Time moves on by one step: everything seen so far weighs `decay` times less. */
  tick(): void {
    this.scale /= this.decay;
    if (this.scale > 1e200) {
      for (const row of this.rows.values()) {
        row.total /= this.scale;
        for (const cell of row.next.values()) cell.raw /= this.scale;
      }
      this.scale = 1;
    }
  }

  /** Decayed number of observations of the context. */
  total(context: string): number {
    return (this.rows.get(context)?.total ?? 0) / this.scale;
  }

  get(context: string, next: string): Transition {
    const cell = this.rows.get(context)?.next.get(next);
    return { weight: (cell?.raw ?? 0) / this.scale, count: cell?.count ?? 0 };
  }

  /** Every step seen after the context. */
  *following(context: string): IterableIterator<[string, Transition]> {
    const row = this.rows.get(context);
    if (!row) return;
    for (const [next, cell] of row.next) yield [next, { weight: cell.raw / this.scale, count: cell.count }];
  }

  /** Forgets every transition into `next` (a deleted file, say). */
  forgetNext(next: string): void {
    for (const row of this.rows.values()) {
      const cell = row.next.get(next);
      if (!cell) continue;
      row.total -= cell.raw;
      row.next.delete(next);
    }
  }

  /** Forgets one transition: after `context`, `next` was never seen. */
  forget(context: string, next: string): boolean {
    const row = this.rows.get(context);
    const cell = row?.next.get(next);
    if (!row || !cell) return false;
    row.total -= cell.raw;
    row.next.delete(next);
    return true;
  }

  /** Every context with at least one transition. */
  contexts(): IterableIterator<string> {
    return this.rows.keys();
  }

  get size(): number {
    return this.rows.size;
  }

  private evictWeakest(): void {
    const sorted = [...this.rows].sort((a, b) => a[1].total - b[1].total);
    for (const [context] of sorted.slice(0, Math.ceil(this.maxContexts / 10))) this.rows.delete(context);
  }
}
