import { Emitter, type Disposable } from '../base/emitter';
import { SerialQueue } from '../base/serialQueue';
import { describeError, type Logger } from '../log';
import { actionKey, type Action } from './signals/actions';
import { EventLog } from './signals/eventLog';
import { deleteEventLog, loadEventLog, saveEventLog, type ForgottenHabit } from './signals/eventLogFile';
import type { FileLinks } from '../nextEdit/fileLinks';
import { readCommits, type CommitRecord } from './signals/gitHistory';
import { NextStepPredictor, type HabitSummary, type SuggestionTally, type Suggestions } from './nextStepPredictor';

/**
 * Everything next-step prediction needs for one workspace, without the editor: the event log
 * and its file, the predictor, the git seed, the privacy filter and saving. The VS Code
 * adapters feed it actions and show what it suggests; tests drive it directly.
 */
export interface NextStepSessionOptions {
  /** Where this workspace's event log is stored. */
  readonly logFile: string;
  /** The workspace folder whose git history seeds the co-change graph (none: no seed). */
  readonly workspaceRoot: string | undefined;
  readonly log: Logger;
  /** Files that must never be learned (ondi.disabledGlobs), by workspace-relative path. */
  readonly isExcluded: (file: string) => boolean;
  readonly now?: () => number;
  /** How the git history is read; replaced in tests. */
  readonly readHistory?: (root: string) => Promise<readonly CommitRecord[]>;
  /** Changes are written at most this often (and on dispose). */
  readonly saveDelayMs?: number;
  /** What the code says about a file the user is changing (see FileLinks); none: history alone. */
  readonly links?: (file: string) => FileLinks | undefined;
}

/** How many commits of the workspace's history are learned at start. */
export const SEED_COMMITS = 1000;
const SEED_SLICE = 50;
/** Deleted habits remembered for replaying the log; older ones predate every kept event. */
const MAX_FORGOTTEN = 200;

export class NextStepSession {
  private predictor: NextStepPredictor;
  private readonly events = new EventLog();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly saving = new SerialQueue();
  private dirty = false;
  private disposed = false;
  private seeded: Promise<void> = Promise.resolve();
  private forgotten: ForgottenHabit[] = [];

  private readonly changes: Emitter;

  private constructor(private readonly options: NextStepSessionOptions) {
    this.predictor = new NextStepPredictor(options.links);
    this.changes = new Emitter((error) => options.log.error('next steps: a listener failed', error));
  }

  /** Loads the stored log (recovering from a bad file) and starts seeding from git in the background. */
  static async open(options: NextStepSessionOptions): Promise<NextStepSession> {
    const session = new NextStepSession(options);
    const loaded = await loadEventLog(options.logFile, session.now());
    if (loaded.problem) options.log.warn(loaded.problem);
    if (loaded.dropped > 0)
      options.log.info(`next steps: ignored ${loaded.dropped} malformed event(s) in ${options.logFile}`);
    session.events.load(loaded.events.filter((event) => !session.excluded(event.action)));
    // Deleted habits are forgotten where they were deleted in the replay, not at its end.
    session.forgotten = [...loaded.forgotten];
    let next = 0;
    const forgetUntil = (at: number): void => {
      for (let f = session.forgotten[next]; f !== undefined && f.at < at; f = session.forgotten[++next]) {
        session.predictor.forgetHabit(f.trigger, f.next);
      }
    };
    for (const event of session.events.events) {
      forgetUntil(event.at);
      session.predictor.observe(event);
    }
    forgetUntil(Infinity);
    if (loaded.predictor) session.predictor.restore(loaded.predictor);
    options.log.info(`next steps: ${session.events.size} event(s) loaded`);
    session.seeded = session.seedFromGit();
    return session;
  }

  /** Resolves when the git history has been learned (or could not be). */
  whenSeeded(): Promise<void> {
    return this.seeded;
  }

  /** Records what the user just did. Excluded files are dropped before anything is kept. */
  record(action: Action): void {
    if (this.disposed || this.excluded(action)) return;
    const event = { at: this.now(), action };
    if (this.events.append(event)) {
      this.predictor.observe(event);
      this.changed();
    } else {
      // Absorbed into the previous event (another keystroke of the same edit): only its time moved.
      this.dirty = true;
      this.scheduleSave();
    }
  }

  /** The editor shows `file` now; it is recorded as opened only once the user works in it. */
  focus(file: string | undefined): void {
    if (this.disposed) return;
    this.predictor.focus(file !== undefined && this.options.isExcluded(file) ? undefined : file);
    this.changes.fire();
  }

  /** Learns the files of a commit just made (from the git extension). */
  learnCommit(files: readonly string[], deleted: readonly string[] = []): void {
    if (this.disposed) return;
    this.predictor.learnCommit(
      files.filter((file) => !this.options.isExcluded(file)),
      deleted,
    );
    this.changed();
  }

  suggest(limit = 5): Suggestions {
    return this.predictor.suggest(limit);
  }

  relatedFiles(file: string, limit = 3): ReturnType<NextStepPredictor['relatedFiles']> {
    return this.options.isExcluded(file) ? [] : this.predictor.relatedFiles(file, limit);
  }

  /** How the suggestions fared so far. */
  get tally(): SuggestionTally {
    return this.predictor.tally;
  }

  /** The habits learned from what the user did, most frequent first, in words. */
  habits(limit = 10): HabitSummary[] {
    return this.predictor.habits(limit);
  }

  /**
   * Deletes one habit: it stops being suggested and stays forgotten across restarts;
   * doing it again from now on is learned again. Returns whether there was such a habit.
   */
  forgetHabit(trigger: string, next: string): boolean {
    if (this.disposed || !this.predictor.forgetHabit(trigger, next)) return false;
    this.forgotten = [...this.forgotten, { at: this.now(), trigger, next }].slice(-MAX_FORGOTTEN);
    this.options.log.info(`next steps: deleted the habit "${next}" after "${trigger}"`);
    this.changed();
    return true;
  }

  /** Commits learned so far (git seed and new ones); changes when related files may have. */
  get commitCount(): number {
    return this.predictor.commitCount;
  }

  get eventCount(): number {
    return this.events.size;
  }

  /** Keys of the latest `limit` events, oldest first ("edit:src/cart.ts", "task:check"). */
  recentActions(limit: number): string[] {
    return this.events.events.slice(-limit).map((event) => actionKey(event.action));
  }

  /** Calls `listener` after anything that may change the suggestions. */
  onDidChange(listener: () => void): Disposable {
    return this.changes.listen(listener);
  }

  /** Deletes everything learned: the stored log, its unreadable copies and the in-memory model. */
  async forget(): Promise<void> {
    this.cancelSave();
    await this.saving.idle();
    this.events.clear();
    this.predictor = new NextStepPredictor(this.options.links);
    this.forgotten = [];
    this.dirty = false;
    await deleteEventLog(this.options.logFile);
    this.options.log.info('next steps: history deleted');
    this.seeded = this.seedFromGit();
    this.changes.fire();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    this.cancelSave();
    if (!this.dirty) return this.saving.idle();
    this.dirty = false;
    const events = [...this.events.events];
    const state = this.predictor.state();
    // one deleted before the oldest kept event has nothing left to erase
    const oldest = events[0]?.at ?? Infinity;
    const forgotten = this.forgotten.filter((f) => f.at >= oldest);
    // Saves run one after another, so an older snapshot never overwrites a newer one.
    return this.saving.run(async () => {
      try {
        await saveEventLog(this.options.logFile, events, state, this.now(), forgotten);
      } catch (error) {
        this.options.log.error(`next steps: could not save ${this.options.logFile}`, error);
      }
    });
  }

  async dispose(): Promise<void> {
    await this.flush();
    this.disposed = true;
    this.changes.dispose();
  }

  private changed(): void {
    this.dirty = true;
    this.scheduleSave();
    this.changes.fire();
  }

  private scheduleSave(): void {
    if (this.saveTimer !== undefined || this.disposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush();
    }, this.options.saveDelayMs ?? 5000);
  }

  private cancelSave(): void {
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
  }

  private async seedFromGit(): Promise<void> {
    const root = this.options.workspaceRoot;
    if (root === undefined) return;
    const predictor = this.predictor;
    try {
      const read = this.options.readHistory ?? ((dir: string) => readCommits(dir, { max: SEED_COMMITS }));
      const commits = await read(root);
      const allowed = commits.map((commit) => ({
        ...commit,
        files: commit.files.filter((file) => !this.options.isExcluded(file)),
      }));
      // Learn in slices, yielding in between, so the editor stays responsive on a long history.
      for (let start = 0; start < allowed.length; start += SEED_SLICE) {
        if (predictor !== this.predictor || this.disposed) return; // forgotten or closed meanwhile
        predictor.seedFromHistory(allowed.slice(start, start + SEED_SLICE));
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.options.log.info(`next steps: learned ${commits.length} commit(s) of git history`);
      this.changes.fire();
    } catch (error) {
      // Not a git repository, or git is missing: suggestions still come from the event log.
      this.options.log.info(`next steps: no git history to learn from (${describeError(error).split('\n')[0] ?? ''})`);
    }
  }

  private excluded(action: Action): boolean {
    return 'file' in action && this.options.isExcluded(action.file);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
