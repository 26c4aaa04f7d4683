import { existsSync } from 'node:fs';
import { CoChangeBaseline, FrequencyBaseline, RecencyBaseline } from '../../core/next/eval/baselines';
import { readLinkHistory } from '../../core/next/eval/linkHistory';
import { replayNextFile } from '../../core/next/eval/nextFileEval';
import { OndiNextFilePredictor } from '../../core/next/eval/ondiPredictor';
import { readCommits } from '../../core/next/signals/gitHistory';
import { intOption, stringOption, UsageError, type Options } from '../args';

/**
 * `ondi eval next --repo GITDIR [--commits N] [--query random|first] [--seed S] [--links on|off]`:
 * the "Next file" protocol of DESIGN.md. Ondi reads the imports and changed words of each
 * commit's files from git (what it reads from the workspace in the editor) unless `--links off`;
 * the baselines never do.
 */
export async function evalNext(values: Options, progress: (text: string) => void) {
  const repo = stringOption(values, 'repo');
  if (!existsSync(repo)) throw new UsageError(`--repo ${repo} does not exist`);
  const window = intOption(values, 'commits', 1000);
  if (window < 1) throw new UsageError('--commits must be at least 1');
  const query = values.query ?? 'random';
  if (query !== 'random' && query !== 'first') throw new UsageError(`--query must be random or first, not "${query}"`);
  const seed = intOption(values, 'seed', 0);
  const withLinks = values.links ?? 'on';
  if (withLinks !== 'on' && withLinks !== 'off') throw new UsageError(`--links must be on or off, not "${withLinks}"`);
  const commits = await readCommits(repo).catch((error: unknown) => {
    throw new UsageError(
      `cannot read the git history of ${repo}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  });
  const started = Date.now();
  const links =
    withLinks === 'on' ? await readLinkHistory(repo, commits, Math.max(0, commits.length - window)) : undefined;
  if (links)
    progress(
      `read the imports and changed words of the replayed commits in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  const result = replayNextFile(
    commits,
    window,
    [new OndiNextFilePredictor(), new RecencyBaseline(), new FrequencyBaseline(), new CoChangeBaseline()],
    (done, total) => progress(`replayed ${done}/${total} commits\n`),
    { query, seed, ...(links ? { links } : {}) },
  );
  progress(
    `scored ${result.scored} of the last ${result.replayed} non-merge commits (${commits.length} in all) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const { ondi, recency, frequency, cochange } = result.scores;
  return { commits: result.scored, ondi, baselines: { recency, frequency, cochange }, query };
}
