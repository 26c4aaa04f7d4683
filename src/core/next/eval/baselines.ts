import { CoChangeGraph } from '../learners/coChangeGraph';
import type { CommitRecord } from '../signals/gitHistory';
import type { NextFilePredictor } from './predictor';

/**
 * The baselines DESIGN.md asks for, each as plain as its name: they are what Ondi has to beat.
 * All of them only propose files that still exist (not deleted by a later commit).
 */

/** Files present in the history so far, with when each last changed and how often. */
class FileTable {
  readonly lastChanged = new Map<string, number>();
  readonly changes = new Map<string, number>();
  private clock = 0;

  learn(commit: CommitRecord): void {
    const gone = new Set(commit.deleted);
    // Later files in a commit get a later tick so ties break the same way every run.
    for (const file of commit.files) {
      if (gone.has(file)) {
        this.lastChanged.delete(file);
        this.changes.delete(file);
        continue;
      }
      this.lastChanged.set(file, ++this.clock);
      this.changes.set(file, (this.changes.get(file) ?? 0) + 1);
    }
  }
}

/** The files changed most recently. */
export class RecencyBaseline implements NextFilePredictor {
  readonly name = 'recency';
  private readonly table = new FileTable();

  predict(query: string, limit: number): string[] {
    return topBy(this.table.lastChanged, query, limit, (file) => this.table.lastChanged.get(file) ?? 0);
  }

  learn(commit: CommitRecord): void {
    this.table.learn(commit);
  }
}

/** The files changed most often (ties: the more recent one). */
export class FrequencyBaseline implements NextFilePredictor {
  readonly name = 'frequency';
  private readonly table = new FileTable();

  predict(query: string, limit: number): string[] {
    const { changes, lastChanged } = this.table;
    return topBy(changes, query, limit, (file) => (changes.get(file) ?? 0) * 1e9 + (lastChanged.get(file) ?? 0));
  }

  learn(commit: CommitRecord): void {
    this.table.learn(commit);
  }
}

/**
 * Association rules mined from past commits as in ROSE (Zimmermann et al., 2004): for the
 * query file q, every rule {q} => {f} with support >= 1, ranked by confidence
 * (commits with q and f / commits with q), then support. Commits with more than 30 files are
 * not mined, as ROSE skips large transactions. It proposes nothing for a file with no rules.
 */
export class CoChangeBaseline implements NextFilePredictor {
  readonly name = 'cochange';
  private readonly graph = new CoChangeGraph({ decay: 1, maxFilesPerChange: 30 });
  private readonly table = new FileTable();

  predict(query: string, limit: number): string[] {
    const rules = [...this.graph.neighbors(query)].filter(([file]) => this.table.lastChanged.has(file));
    rules.sort(([fa, sa], [fb, sb]) => sb - sa || fa.localeCompare(fb));
    // Confidence shares the denominator (commits with q), so ordering by support is ordering by
    // confidence; ties break by name to stay deterministic.
    return rules.slice(0, limit).map(([file]) => file);
  }

  learn(commit: CommitRecord): void {
    this.graph.learn(commit.files);
    this.table.learn(commit);
    for (const file of commit.deleted) this.graph.forget(file);
  }
}

function topBy(files: Map<string, number>, query: string, limit: number, key: (file: string) => number): string[] {
  const best: { file: string; score: number }[] = [];
  for (const file of files.keys()) {
    if (file === query) continue;
    const score = key(file);
    if (best.length === limit && score <= (best[best.length - 1]?.score ?? -Infinity)) continue;
    best.push({ file, score });
    best.sort((a, b) => b.score - a.score);
    if (best.length > limit) best.pop();
  }
  return best.map((entry) => entry.file);
}
