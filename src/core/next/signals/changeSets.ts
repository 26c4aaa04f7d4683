/**
 * The latest change sets each file took part in, so questions about one file's own history
 * ("when the changelog changed, what else did?") can be answered exactly rather than from
 * pair counts alone. Bounded: a file keeps only its newest `perFile` change sets.
 */
export interface ChangeSet {
  /** Running number of the change (higher = newer). */
  readonly id: number;
  readonly files: ReadonlySet<string>;
}

export class ChangeSets {
  private readonly sets = new Map<number, { files: Set<string>; refs: number }>();
  private readonly byFile = new Map<string, number[]>();

  constructor(private readonly perFile: number) {}

  add(id: number, files: readonly string[]): void {
    const entry = { files: new Set(files), refs: 0 };
    this.sets.set(id, entry);
    for (const file of entry.files) {
      let ids = this.byFile.get(file);
      if (!ids) this.byFile.set(file, (ids = []));
      ids.push(id);
      entry.refs++;
      if (ids.length > this.perFile) this.release(ids.shift() as number);
    }
    if (entry.refs === 0) this.sets.delete(id);
  }

  /** The change sets that touched `file`, oldest first. */
  of(file: string): ChangeSet[] {
    const out: ChangeSet[] = [];
    for (const id of this.byFile.get(file) ?? []) {
      const entry = this.sets.get(id);
      if (entry) out.push({ id, files: entry.files });
    }
    return out;
  }

  /** The same file under a new path: its change sets now name `to` and count as `to`'s. */
  rename(from: string, to: string): void {
    const moved: number[] = [];
    for (const id of this.byFile.get(from) ?? []) {
      const entry = this.sets.get(id);
      if (!entry) continue;
      entry.files.delete(from);
      if (entry.files.has(to))
        this.release(id); // already counted as `to`'s
      else {
        entry.files.add(to);
        moved.push(id);
      }
    }
    this.byFile.delete(from);
    const merged = [...moved, ...(this.byFile.get(to) ?? [])].sort((a, b) => a - b);
    while (merged.length > this.perFile) this.release(merged.shift() as number);
    if (merged.length > 0) this.byFile.set(to, merged);
  }

  forget(file: string): void {
    for (const id of this.byFile.get(file) ?? []) {
      this.sets.get(id)?.files.delete(file);
      this.release(id);
    }
    this.byFile.delete(file);
  }

  private release(id: number): void {
    const entry = this.sets.get(id);
    if (entry && --entry.refs <= 0) this.sets.delete(id);
  }
}
