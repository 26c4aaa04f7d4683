/**
 * Which files change (or get visited) together: a weighted, undirected graph over paths whose
 * weights fade by `decay` per recorded change, so recent habits outweigh old ones. With
 * decay 1 it holds the plain counts that ROSE-style association rules need.
 */
export interface CoChangeOptions {
  /** Weight kept per recorded change (1 = never forget). */
  readonly decay: number;
  /** Changes touching more files than this teach no pairs: bulk edits relate nothing. */
  readonly maxFilesPerChange: number;
}

export class CoChangeGraph {
  private readonly fileRaw = new Map<string, number>();
  private readonly pairRaw = new Map<string, Map<string, number>>();
  private scale = 1;
  private changes = 0;

  constructor(readonly options: CoChangeOptions) {}

  /** How many changes were learned. */
  get changeCount(): number {
    return this.changes;
  }

  /** Learns one change set (a commit, or files edited together in one session). */
  learn(files: readonly string[], weight = 1): void {
    this.scale /= this.options.decay;
    if (this.scale > 1e200) this.rescale();
    this.changes++;
    const unique = [...new Set(files)];
    const amount = weight * this.scale;
    for (const file of unique) this.fileRaw.set(file, (this.fileRaw.get(file) ?? 0) + amount);
    if (unique.length > this.options.maxFilesPerChange) return;
    for (const a of unique) {
      let row = this.pairRaw.get(a);
      if (!row) this.pairRaw.set(a, (row = new Map()));
      for (const b of unique) if (a !== b) row.set(b, (row.get(b) ?? 0) + amount);
    }
  }

  /** Decayed number of changes that touched `file`. */
  fileWeight(file: string): number {
    return (this.fileRaw.get(file) ?? 0) / this.scale;
  }

  /** Decayed number of changes that touched both files. */
  pairWeight(a: string, b: string): number {
    return (this.pairRaw.get(a)?.get(b) ?? 0) / this.scale;
  }

  /** Every file that changed together with `file`, with the decayed pair weight. */
  *neighbors(file: string): IterableIterator<[string, number]> {
    const row = this.pairRaw.get(file);
    if (!row) return;
    for (const [other, raw] of row) yield [other, raw / this.scale];
  }

  /** Confidence of the rule file => other: the share of file's changes that also touched other. */
  confidence(file: string, other: string): number {
    const base = this.fileWeight(file);
    return base > 0 ? this.pairWeight(file, other) / base : 0;
  }

  /** Forgets a file (deleted from the workspace, or excluded by privacy settings). */
  forget(file: string): void {
    this.fileRaw.delete(file);
    const row = this.pairRaw.get(file);
    if (row) for (const other of row.keys()) this.pairRaw.get(other)?.delete(file);
    this.pairRaw.delete(file);
  }

  /** Moves what was learned about `from` onto `to` (the same file under a new path), then forgets `from`. */
  rename(from: string, to: string): void {
    this.fileRaw.set(to, (this.fileRaw.get(to) ?? 0) + (this.fileRaw.get(from) ?? 0));
    for (const [other, raw] of this.pairRaw.get(from) ?? []) {
      if (other === to) continue;
      let row = this.pairRaw.get(to);
      if (!row) this.pairRaw.set(to, (row = new Map()));
      row.set(other, (row.get(other) ?? 0) + raw);
      const back = this.pairRaw.get(other);
      if (back) back.set(to, (back.get(to) ?? 0) + raw);
    }
    this.forget(from);
  }

  files(): IterableIterator<string> {
    return this.fileRaw.keys();
  }

  private rescale(): void {
    const s = this.scale;
    for (const [file, raw] of this.fileRaw) this.fileRaw.set(file, raw / s);
    for (const row of this.pairRaw.values()) for (const [other, raw] of row) row.set(other, raw / s);
    this.scale = 1;
  }
}
