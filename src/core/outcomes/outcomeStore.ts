import { promises as fs } from 'node:fs';
import { Emitter, type Disposable } from '../base/emitter';
import { SerialQueue } from '../base/serialQueue';
import { describeError, type Logger } from '../log';
import { readJsonFile, writeFileAtomic } from '../store/atomicFile';
import {
  emptyOutcomeStats,
  parseOutcomeStats,
  recordLatency,
  recordOutcome,
  type OutcomeEvent,
  type OutcomeStats,
} from './outcomes';

export interface OutcomeStoreOptions {
  /** Where the stats live; undefined keeps them in memory only. */
  readonly file: string | undefined;
  readonly log: Logger;
  /** Changes are written at most this often (and once more on dispose), not per keystroke. */
  readonly flushDelayMs?: number;
  /** The clock outcomes are counted by (the timeline's hours and days). */
  readonly now?: () => number;
}

type Change = (stats: OutcomeStats) => OutcomeStats;

/**
 * The outcome statistics of this user, kept in memory and written to one JSON file with
 * atomic writes, batched. Loading is asynchronous so activation never waits for the disk;
 * what is recorded before the file has been read is replayed onto it.
 */
export class OutcomeStore {
  private current = emptyOutcomeStats();
  private early: Change[] | undefined = [];
  private readonly loaded: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private readonly writing = new SerialQueue();
  private readonly changes: Emitter;

  constructor(private readonly options: OutcomeStoreOptions) {
    this.changes = new Emitter((error) => options.log.error('a listener of the outcome statistics failed', error));
    this.loaded = this.load();
  }

  get stats(): OutcomeStats {
    return this.current;
  }

  /** Resolves once the stored stats have been read (or found missing or unreadable). */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  record(event: OutcomeEvent): void {
    // the time of the event, not of a replay onto the file read later
    const at = (this.options.now ?? Date.now)();
    this.apply((stats) => recordOutcome(stats, event, at));
  }

  latency(ms: number): void {
    this.apply((stats) => recordLatency(stats, ms));
  }

  /** Writes pending changes now; one write at a time, in order. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.writing.run(() => this.write());
  }

  /**
   * Calls `listener` after every change, and after each write of the file (its size shows on
   * the dashboard). Changes come per completion: listeners that do real work throttle.
   */
  onDidChange(listener: () => void): Disposable {
    return this.changes.listen(listener);
  }

  /** Forgets every statistic and deletes the file, after any write already under way. */
  async clear(): Promise<void> {
    await this.loaded;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.current = emptyOutcomeStats();
    this.dirty = false;
    const file = this.options.file;
    await this.writing.run(async () => {
      if (file) await fs.rm(file, { force: true });
    });
    this.changes.fire();
  }

  async dispose(): Promise<void> {
    this.changes.dispose();
    await this.flush();
  }

  private apply(change: Change): void {
    this.current = change(this.current);
    this.early?.push(change);
    this.dirty = true;
    if (this.options.file && !this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushDelayMs ?? 5000);
      this.timer.unref();
    }
    this.changes.fire();
  }

  private async load(): Promise<void> {
    const { file, log } = this.options;
    try {
      const raw = file ? await readJsonFile(file) : undefined;
      if (raw !== undefined) {
        const parsed = parseOutcomeStats(raw);
        if (parsed) {
          this.current = (this.early ?? []).reduce((stats, change) => change(stats), parsed);
          this.changes.fire();
        } else if (isVersion1(raw)) {
          log.info(
            `outcome statistics in ${file} are of an older version that counted cached repeats as model completions and typing along as accepts; starting over`,
          );
        } else {
          log.warn(`outcome statistics in ${file} have an unknown format; starting over`);
        }
      }
    } catch (error) {
      log.warn(`outcome statistics in ${file} could not be read (${describeError(error)}); starting over`);
    } finally {
      this.early = undefined;
    }
  }

  private async write(): Promise<void> {
    await this.loaded;
    const { file, log } = this.options;
    if (!file || !this.dirty) return;
    this.dirty = false;
    try {
      await writeFileAtomic(file, JSON.stringify(this.current));
      this.changes.fire();
    } catch (error) {
      this.dirty = true;
      log.error(`writing outcome statistics to ${file} failed`, error);
    }
  }
}

function isVersion1(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as Record<string, unknown>)['version'] === 1;
}
