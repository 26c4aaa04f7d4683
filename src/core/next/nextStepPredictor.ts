import {
  actionKey,
  baseName,
  describeAction,
  isPerformable,
  type ActionEvent,
  type PerformableAction,
} from './signals/actions';
import { Calibrator, type CalibrationState } from './learners/calibration';
import { NextFileRanker } from './learners/fileRanker';
import { FixErrorsHabit } from './learners/fixErrorsHabit';
import type { FileLinks } from '../nextEdit/fileLinks';
import type { CommitRecord } from './signals/gitHistory';
import { fileReason, fixReason, habitReason, sequenceReason } from './reasons';
import { SequenceModel, type Habit } from './learners/sequenceModel';
import { ShowThreshold } from './learners/showThreshold';

/** One suggested next step, ready for the status bar and the quick pick. */
export interface NextStep {
  readonly action: PerformableAction;
  readonly key: string;
  readonly label: string;
  /** Calibrated probability that this is what the user does next. */
  readonly confidence: number;
  readonly reason: string;
  /** Which evidence produced it: the action sequence, the file co-change graph, or errors in a file. */
  readonly source: 'sequence' | 'files' | 'errors';
}

export interface Suggestions {
  readonly steps: readonly NextStep[];
  /** Whether the top step clears the learned threshold and should be shown unasked. */
  readonly showTop: boolean;
  readonly threshold: number;
}

/**
 * How the suggestions fared, counted once per step the user took after one (plain counts,
 * not decayed, for people to read).
 */
export interface SuggestionTally {
  /** Steps taken while the top suggestion was showing in the status bar... */
  readonly shown: number;
  /** ...and how many of them were that suggestion. */
  readonly taken: number;
  /** Steps taken after any suggestion, shown or not... */
  readonly guesses: number;
  /** ...and how many of them were Ondi's first guess. */
  readonly right: number;
}

export const EMPTY_TALLY: SuggestionTally = Object.freeze({ shown: 0, taken: 0, guesses: 0, right: 0 });

/** A habit with its sentence ("After saving a *.test.ts file, you ran the task `test` 4 times"). */
export interface HabitSummary extends Habit {
  readonly text: string;
}

/** What the predictor learned besides the event log itself, saved next to it. */
export interface PredictorState {
  readonly calibration: CalibrationState;
  readonly threshold: number;
  /** Absent in files written before it was counted. */
  readonly tally?: SuggestionTally;
}

/** Share of next steps assumed to be opening a file before the user's own habits say otherwise. */
const PRIOR_OPEN_SHARE = 0.3;
const SESSION_FILES = 16;

/**
 * Combines the action-sequence model (what usually comes after what you just did) with the
 * file ranker (which files change with the one you are in), calibrates the result against
 * how often its top guesses were right, and decides whether the top step is worth showing.
 */
export class NextStepPredictor {
  private readonly sequence = new SequenceModel();
  private readonly files = new NextFileRanker();
  private readonly calibrator = new Calibrator();
  private readonly threshold = new ShowThreshold();
  private readonly fixErrors = new FixErrorsHabit();
  private currentFile: string | undefined;
  /** Files edited or saved since the last commit, most recent first. */
  private session: string[] = [];
  /** The top step of the latest suggestion, to learn from what happens next. */
  private lastTop: { key: string; raw: number; shown: boolean } | undefined;
  private counts: SuggestionTally = EMPTY_TALLY;

  /** `links`: what the code says about a file the user is changing (imports, shared words), where known. */
  constructor(private readonly links: (file: string) => FileLinks | undefined = () => undefined) {}

  /** Learns the workspace's git history (oldest first), so next-file suggestions work on day one. */
  seedFromHistory(commits: readonly CommitRecord[]): void {
    for (const commit of commits) this.learnCommit(commit.files, commit.deleted);
  }

  /** Learns a new commit's files: the co-change graph and the weighting of its evidence. */
  learnCommit(files: readonly string[], deleted: readonly string[] = []): void {
    const [query, ...rest] = files;
    if (query !== undefined && rest.length > 0 && files.length <= 20) this.files.learnOutcome(query, new Set(rest));
    this.files.learnChange(files, deleted);
  }

  /** Feeds one event; call in the order events happened. */
  observe(event: ActionEvent): void {
    const { action } = event;
    if (isPerformable(action)) this.learnFromOutcome(actionKey(action));
    this.fixErrors.observe(action, this.currentFile);
    switch (action.kind) {
      case 'open':
      case 'undo': // going back over edits is being in the file, not new work in it
        this.currentFile = action.file;
        break;
      case 'edit':
      case 'save':
      case 'create':
        this.currentFile = action.file;
        this.session = [action.file, ...this.session.filter((file) => file !== action.file)].slice(0, SESSION_FILES);
        break;
      case 'delete':
        this.files.forget(action.file);
        this.sequence.forget(actionKey({ kind: 'open', file: action.file }));
        this.session = this.session.filter((file) => file !== action.file);
        if (this.currentFile === action.file) this.currentFile = undefined;
        break;
      case 'commit':
        this.session = [];
        break;
      default:
        break;
    }
    this.sequence.observe(action);
  }

  /** The most likely next steps, best first, and whether the top one should be shown. */
  suggest(limit = 5): Suggestions {
    const ranked = this.rank(limit);
    const steps = ranked.map(({ step, raw }) => ({ ...step, confidence: this.calibrator.calibrate(raw) }));
    const top = steps[0];
    const showTop = top !== undefined && this.threshold.shouldShow(top.confidence);
    this.lastTop = top ? { key: top.key, raw: ranked[0]?.raw ?? 0, shown: showTop } : undefined;
    return { steps, showTop, threshold: this.threshold.value };
  }

  /** The editor shows `file` now (before it counts as opened): suggestions follow it at once. */
  focus(file: string | undefined): void {
    this.currentFile = file;
  }

  get commitCount(): number {
    return this.files.changeCount;
  }

  /** Files that usually change with `file`, with the reason, for "Open related" links. */
  relatedFiles(file: string, limit: number): { file: string; probability: number; reason: string }[] {
    if (!this.files.knows(file)) return [];
    return this.files
      .rank(file, limit, this.session)
      .map((r) => ({ file: r.file, probability: r.probability, reason: fileReason(r, file) }));
  }

  get tally(): SuggestionTally {
    return this.counts;
  }

  /** The habits learned from the action sequence, most frequent first, in words. */
  habits(limit: number): HabitSummary[] {
    return this.sequence
      .habits(limit)
      .map((habit) => ({ ...habit, text: habitReason(habit.trigger, habit.next, habit.count) }));
  }

  /** Forgets one habit (see SequenceModel.forgetHabit); returns whether anything was learned. */
  forgetHabit(trigger: string, nextKey: string): boolean {
    return this.sequence.forgetHabit(trigger, nextKey) > 0;
  }

  state(): PredictorState {
    return { calibration: this.calibrator.state(), threshold: this.threshold.value, tally: this.counts };
  }

  restore(state: PredictorState): void {
    this.calibrator.restore(state.calibration);
    this.threshold.restore(state.threshold);
    if (state.tally) this.counts = state.tally;
  }

  /** Candidates from both sources with their raw (uncalibrated) probability, best first. */
  private rank(limit: number): { step: Omit<NextStep, 'confidence'>; raw: number }[] {
    const current = this.currentFile;
    const isCurrent = (key: string): boolean => current !== undefined && key === `open:${current}`;
    const sequence = this.sequence.predict(200, isCurrent);
    const candidates = new Map<string, { step: Omit<NextStep, 'confidence'>; raw: number }>();
    let openShare = 0;
    for (const p of sequence) {
      if (p.action.kind === 'open') openShare += p.probability;
      candidates.set(p.key, {
        raw: p.probability,
        step: {
          action: p.action,
          key: p.key,
          label: describeAction(p.action),
          reason: sequenceReason(p.action, p.context, p.count),
          source: 'sequence',
        },
      });
    }
    if (sequence.length === 0) openShare = PRIOR_OPEN_SHARE;
    const links = current === undefined ? undefined : this.links(current);
    const linked = links !== undefined && (links.importers.size > 0 || links.sharedWords.size > 0);
    if (current !== undefined && (this.files.knows(current) || linked)) {
      const ranked = this.files.rank(current, 10, this.session, links);
      const total = Math.max(
        1,
        ranked.reduce((sum, r) => sum + r.probability, 0),
      );
      for (const r of ranked) {
        const action: PerformableAction = { kind: 'open', file: r.file };
        const key = actionKey(action);
        const raw = (openShare * r.probability) / total;
        if ((candidates.get(key)?.raw ?? 0) >= raw) continue;
        candidates.set(key, {
          raw,
          step: { action, key, label: describeAction(action), reason: fileReason(r, current), source: 'files' },
        });
      }
    }
    const fix = this.fixErrors.candidate(current);
    if (fix) {
      const action: PerformableAction = { kind: 'open', file: fix.file };
      const key = actionKey(action);
      const label = `Fix errors in ${baseName(fix.file)}`;
      // The file has errors now: that says more about the step than a habit of opening it.
      const raw = Math.max(fix.probability, candidates.get(key)?.raw ?? 0);
      candidates.set(key, { raw, step: { action, key, label, reason: fixReason(fix), source: 'errors' } });
    }
    return [...candidates.values()]
      .sort((a, b) => b.raw - a.raw || a.step.key.localeCompare(b.step.key))
      .slice(0, limit);
  }

  /** Learns from what the user did after the latest suggestion: calibration and the show threshold. */
  private learnFromOutcome(key: string): void {
    const top = this.lastTop;
    if (!top) return;
    this.lastTop = undefined;
    const hit = top.key === key;
    const c = this.counts;
    this.counts = {
      shown: c.shown + (top.shown ? 1 : 0),
      taken: c.taken + (top.shown && hit ? 1 : 0),
      guesses: c.guesses + 1,
      right: c.right + (hit ? 1 : 0),
    };
    this.calibrator.record(top.raw, hit);
    if (top.shown) this.threshold.record(hit ? 'taken' : 'ignored');
    else if (hit) this.threshold.record('hiddenButDone');
  }
}
