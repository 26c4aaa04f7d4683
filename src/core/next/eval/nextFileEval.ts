import { seededRandom } from '../../eval/lineSamples';
import type { CommitRecord } from '../signals/gitHistory';
import type { FileLinks } from '../../nextEdit/fileLinks';
import type { NextFilePredictor } from './predictor';

/**
 * The "Next file" protocol of DESIGN.md: replay the last `window` non-merge commits in order;
 * each commit changing 2..20 files is a question: given one of its changed files (drawn at
 * random with a seed, or git's first, which sorts first and so never has an earlier sibling)
 * and the history so far, which other files change with it? Every predictor is asked before it
 * learns the commit. Commits before the window are learned first, as a user's repository
 * already has its history when Ondi is installed.
 */
export interface HitScores {
  /** Percent of questions where another file of the commit was the top prediction. */
  readonly hit1: number;
  /** ... was among the top 3. */
  readonly hit3: number;
  /** Mean percent of the commit's other files found in the top 10. */
  readonly recall10: number;
}

export interface ReplayResult {
  /** How many commits were scored (those in the window changing 2..20 files). */
  readonly scored: number;
  readonly replayed: number;
  readonly scores: Readonly<Record<string, HitScores>>;
}

export const MIN_FILES = 2;
export const MAX_FILES = 20;

/** How the query file of a commit is chosen: a seeded random draw (the default) or git's first file. */
export type QueryMode = 'random' | 'first';

/**
 * The query file of a commit the protocol scores, or undefined for commits it skips. `draw`
 * (a number in [0, 1)) picks among the distinct files; without it the first file is taken.
 */
export function queryOf(commit: CommitRecord, draw?: number): string | undefined {
  const distinct = [...new Set(commit.files)];
  if (distinct.length < MIN_FILES || distinct.length > MAX_FILES) return undefined;
  return draw === undefined ? commit.files[0] : distinct[Math.floor(draw * distinct.length)];
}

export interface ReplayOptions {
  readonly query?: QueryMode;
  readonly seed?: number;
  /** What the code says about a file of the commit at `index` (see linkHistory.ts), where read. */
  readonly links?: (index: number, file: string) => FileLinks | undefined;
}

export function replayNextFile(
  commits: readonly CommitRecord[],
  window: number,
  predictors: readonly NextFilePredictor[],
  progress?: (done: number, total: number) => void,
  options: ReplayOptions = {},
): ReplayResult {
  const start = Math.max(0, commits.length - window);
  const rand = options.query === 'random' ? seededRandom(options.seed ?? 0) : undefined;
  const totals = new Map(predictors.map((p) => [p.name, { hit1: 0, hit3: 0, recall10: 0 }]));
  let scored = 0;
  commits.forEach((commit, index) => {
    // One draw per commit, whether or not it is scored, so the choice of a commit never depends on the window.
    const query = queryOf(commit, rand?.());
    const links = query === undefined ? undefined : options.links?.(index, query);
    if (index >= start && query !== undefined) {
      scored++;
      const others = new Set(commit.files.filter((file) => file !== query));
      for (const predictor of predictors) {
        const top = predictor.predict(query, 10, links);
        const total = totals.get(predictor.name);
        if (!total) continue;
        if (top.slice(0, 1).some((file) => others.has(file))) total.hit1++;
        if (top.slice(0, 3).some((file) => others.has(file))) total.hit3++;
        total.recall10 += top.filter((file) => others.has(file)).length / others.size;
      }
    }
    for (const predictor of predictors) predictor.learn(commit, query, links);
    if (progress && (index + 1) % 200 === 0) progress(index + 1, commits.length);
  });
  const percent = (value: number): number => (scored === 0 ? 0 : Math.round((1000 * value) / scored) / 10);
  const scores: Record<string, HitScores> = {};
  for (const [name, total] of totals) {
    scores[name] = { hit1: percent(total.hit1), hit3: percent(total.hit3), recall10: percent(total.recall10) };
  }
  return { scored, replayed: commits.length - start, scores };
}
