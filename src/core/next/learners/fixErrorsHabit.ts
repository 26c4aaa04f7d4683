import { isFileAction, isPerformable, type Action } from '../signals/actions';

/**
 * Files that got errors while the user was in another one, and how often this user went to
 * such a file next: the evidence behind the step "Fix errors in F". Each time errors appear
 * elsewhere is one chance; the next file the user opens or edits (or the next step they run
 * instead) decides whether they took it. Older chances fade, so the rate follows the user.
 */
export interface FixCandidate {
  readonly file: string;
  readonly probability: number;
  /** Undecayed counts, for the reason shown to the user. */
  readonly went: number;
  readonly chances: number;
}

/** Share of chances assumed taken before the user's own habit is known, and its weight in chances. */
const PRIOR_RATE = 0.3;
const PRIOR_CHANCES = 2;
const DECAY = 0.95;
const MAX_FILES = 100;

export class FixErrorsHabit {
  /** Files with errors now, the most recent last. */
  private files: string[] = [];
  private waiting = false;
  private rate = { went: 0, chances: 0 };
  private counts = { went: 0, chances: 0 };

  /** Feeds one action, in order; `currentFile` is where the user was before it. */
  observe(action: Action, currentFile: string | undefined): void {
    if (this.waiting && (action.kind === 'open' || action.kind === 'edit' || isPerformable(action))) {
      this.waiting = false;
      this.record(isFileAction(action) && this.files.includes(action.file));
    }
    switch (action.kind) {
      case 'errors':
        this.files = [...this.files.filter((file) => file !== action.file), action.file].slice(-MAX_FILES);
        if (action.file !== currentFile) this.waiting = true;
        break;
      case 'errorsFixed':
      case 'delete':
        this.forget(action.file);
        break;
      default:
        break;
    }
  }

  /** The file with the most recent errors other than `current`, and how likely the user goes there next. */
  candidate(current: string | undefined): FixCandidate | undefined {
    const file = [...this.files].reverse().find((other) => other !== current);
    if (file === undefined) return undefined;
    const probability = (this.rate.went + PRIOR_RATE * PRIOR_CHANCES) / (this.rate.chances + PRIOR_CHANCES);
    return { file, probability, went: this.counts.went, chances: this.counts.chances };
  }

  forget(file: string): void {
    this.files = this.files.filter((other) => other !== file);
  }

  private record(went: boolean): void {
    this.rate = { went: DECAY * this.rate.went + (went ? 1 : 0), chances: DECAY * this.rate.chances + 1 };
    this.counts = { went: this.counts.went + (went ? 1 : 0), chances: this.counts.chances + 1 };
  }
}
