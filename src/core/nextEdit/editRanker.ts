import { OnlineLogistic, type LogisticState } from '../base/onlineLogistic';
import type { RawCandidate } from './candidateSources';
import type { CandidateKind, UserEdit } from './types';

/**
 * The next-edit ranker: an online logistic regression over features of the edit, the
 * candidate and the user's own record of taken and ignored jumps. It starts from hand-set
 * weights (nearest, most specific evidence first) and moves with every feedback.
 */
export const KINDS: readonly CandidateKind[] = [
  'occurrence',
  'call-site',
  'repeat-pattern',
  'sibling-branch',
  'test-file',
  'co-change',
];

export const FEATURES = [
  ...KINDS.map((kind) => `kind=${kind}`),
  'same file',
  'nearness (same file)',
  'below the edit',
  'nearest of its kind in the file',
  'match strength',
  'has proposal',
  'importer of the edited file',
  'co-change rank',
  'taken rate of its kind',
  'taken rate of its file',
  'edit is a rename',
  'edit adds lines only',
  'few of its kind in the file',
  'file edited recently',
  'repeats the newest change',
  'proposal after repeated edits',
  'file related by its words only',
] as const;

const INITIAL: Record<(typeof FEATURES)[number], number> = {
  'kind=occurrence': 0,
  'kind=call-site': 0.3,
  'kind=repeat-pattern': 0.8,
  'kind=sibling-branch': 0.5,
  'kind=test-file': -0.5,
  'kind=co-change': -0.8,
  'same file': 1,
  'nearness (same file)': 2,
  'below the edit': 0.3,
  'nearest of its kind in the file': 1,
  'match strength': 1.5,
  'has proposal': 0.5,
  'importer of the edited file': 0.3,
  'co-change rank': 0.5,
  'taken rate of its kind': 1,
  'taken rate of its file': 1,
  'edit is a rename': 0,
  'edit adds lines only': 0,
  'few of its kind in the file': 0.5,
  'file edited recently': 0.8,
  'repeats the newest change': 0.5,
  'proposal after repeated edits': 1,
  'file related by its words only': -0.5,
};

/** Where a candidate came from beyond its own line: the file's relation to the edited one. */
export interface CandidateContext {
  readonly importer: boolean;
  /** One of the files the recent edits touched (other than the last edit's). */
  readonly editedRecently: boolean;
  /** 0-based rank among the co-changed files, undefined when not one of them. */
  readonly coChangeRank?: number;
  /** Among this file's candidates of the same kind: how many, and this one's rank by distance. */
  readonly kindCount: number;
  readonly kindRank: number;
  /** The last edit repeated an earlier change (a rename or migration under way). */
  readonly repetitive?: boolean;
  /** Searched only because it holds a word the change needs (no import, co-change or recent edit). */
  readonly byWord?: boolean;
}

interface Tally {
  taken: number;
  shown: number;
}

export interface EditRankerState {
  readonly model: LogisticState;
  readonly kinds: Readonly<Record<string, Tally>>;
}

export class EditRanker {
  private readonly model = new OnlineLogistic(
    FEATURES.map((name) => INITIAL[name] ?? 0),
    -2,
    0.05,
  );
  private readonly kinds = new Map<string, Tally>();
  private readonly files = new Map<string, Tally>();

  features(candidate: RawCandidate, edit: UserEdit, context: CandidateContext): number[] {
    const same = candidate.path === edit.path;
    const distance = same ? Math.abs(candidate.line - edit.after.start) : Infinity;
    const f: number[] = KINDS.map((kind) => (kind === candidate.kind ? 1 : 0));
    f.push(
      same ? 1 : 0,
      same ? 1 / (1 + distance / 10) : 0,
      same && candidate.line > edit.after.end ? 1 : 0,
      1 / (1 + context.kindRank),
      candidate.match,
      candidate.proposal ? 1 : 0,
      context.importer ? 1 : 0,
      context.coChangeRank === undefined ? 0 : 1 / (1 + context.coChangeRank),
      rate(this.kinds.get(candidate.kind)),
      rate(this.files.get(candidate.path)),
      edit.oldText !== '' && edit.oldText.split('\n').length === edit.newText.split('\n').length ? 1 : 0,
      edit.oldText === '' ? 1 : 0,
      1 / Math.sqrt(context.kindCount),
      context.editedRecently ? 1 : 0,
      candidate.age === 0 ? 1 : 0,
      context.repetitive && candidate.proposal ? 1 : 0,
      context.byWord ? 1 : 0,
    );
    return f;
  }

  score(features: readonly number[]): number {
    return this.model.probability(features);
  }

  learn(features: readonly number[], kind: CandidateKind, path: string, taken: boolean): void {
    this.model.learn(features, taken ? 1 : 0);
    for (const [table, key] of [
      [this.kinds, kind],
      [this.files, path],
    ] as const) {
      const tally = table.get(key) ?? { taken: 0, shown: 0 };
      tally.shown++;
      if (taken) tally.taken++;
      table.set(key, tally);
    }
    if (this.files.size > 5000) this.files.clear(); // bounded memory; per-file rates re-learn quickly
  }

  inspect(): {
    features: readonly string[];
    weights: Record<string, number>;
    bias: number;
    examples: number;
    kinds: Record<string, Tally>;
  } {
    const state = this.model.state();
    return {
      features: FEATURES,
      weights: Object.fromEntries(FEATURES.map((name, i) => [name, round(state.weights[i] ?? 0)])),
      bias: round(state.bias),
      examples: state.seen,
      kinds: Object.fromEntries(this.kinds),
    };
  }

  state(): EditRankerState {
    return { model: this.model.state(), kinds: Object.fromEntries(this.kinds) };
  }

  restore(state: EditRankerState): void {
    this.model.restore(state.model);
    this.kinds.clear();
    for (const [kind, tally] of Object.entries(state.kinds)) this.kinds.set(kind, { ...tally });
  }
}

/** A taken rate shrunk towards 0.3 until there is evidence, centred so no history is 0. */
function rate(tally: Tally | undefined): number {
  const taken = tally?.taken ?? 0;
  const shown = tally?.shown ?? 0;
  return (taken + 0.3 * 3) / (shown + 3) - 0.3;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
