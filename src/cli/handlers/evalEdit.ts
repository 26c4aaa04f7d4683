import { existsSync } from 'node:fs';
import { readCommitHunks } from '../../core/next/eval/commitHunks';
import { CoChangeEditBaseline, OccurrenceBaseline, OndiEditPredictor } from '../../core/next/eval/editBaselines';
import { GitTree } from '../../core/next/eval/gitTree';
import { replayNextEdit, ReplayWorkspace } from '../../core/next/eval/nextEditEval';
import { CoChangeGraph } from '../../core/next/learners/coChangeGraph';
import { readCommits } from '../../core/next/signals/gitHistory';
import { intOption, stringOption, UsageError, type Options } from '../args';

/** `ondi eval edit --repo GITDIR [--commits N] [--seed S]`: the "Next edit" protocol of DESIGN.md. */
export async function evalEdit(values: Options, progress: (text: string) => void) {
  const repo = stringOption(values, 'repo');
  if (!existsSync(repo)) throw new UsageError(`--repo ${repo} does not exist`);
  const window = intOption(values, 'commits', 1000);
  if (window < 1) throw new UsageError('--commits must be at least 1');
  const seed = intOption(values, 'seed', 0);
  const unreadable = (error: unknown) => {
    throw new UsageError(
      `cannot read the git history of ${repo}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  };
  const started = Date.now();
  const [commits, history] = await Promise.all([
    readCommitHunks(repo, window).catch(unreadable),
    readCommits(repo).catch(unreadable),
  ]);
  progress(`read ${commits.length} commits with 2+ code hunks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  // The co-change model knows the history before each replayed commit, as a user's would.
  const graph = new CoChangeGraph({ decay: 1, maxFilesPerChange: 30 });
  let learned = 0;
  const learnUntil = (hash: string, inclusive: boolean) => {
    const at = history.findIndex((commit, i) => i >= learned && commit.hash === hash);
    if (at < 0) return;
    const end = inclusive ? at + 1 : at;
    for (; learned < end; learned++) {
      const commit = history[learned];
      if (!commit) continue;
      graph.learn(commit.files);
      for (const file of commit.deleted) graph.forget(file);
    }
  };
  const coChange = (path: string) =>
    [...graph.neighbors(path)].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([file]) => file);

  const tree = new GitTree(repo);
  const workspace = new ReplayWorkspace(tree);
  const result = replayNextEdit(
    commits,
    tree,
    workspace,
    [
      new OndiEditPredictor(workspace, coChange),
      new OccurrenceBaseline(workspace),
      new CoChangeEditBaseline(workspace, coChange),
    ],
    {
      seed,
      beforeCommit: (hash) => learnUntil(hash, false),
      afterCommit: (hash) => learnUntil(hash, true),
      progress: (done, total) => progress(`replayed ${done}/${total} commits\n`),
    },
  );
  progress(
    `scored ${result.hunks} hunks of ${commits.length} commits (${result.repeated} repeat an earlier hunk's change) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `ondi prediction p50 ${result.latency.ondi?.p50} ms, p95 ${result.latency.ondi?.p95} ms ` +
      `(CPU p50 ${result.cpu.ondi?.p50} ms, p95 ${result.cpu.ondi?.p95} ms)\n`,
  );
  const { ondi, occurrence, cochange } = result.scores;
  return {
    hunks: result.hunks,
    ondi,
    baselines: { occurrence, cochange },
    repeated: result.repeated,
    content_em_next_hunk: result.contentEmNextHunk['ondi'] ?? null,
    latency_ms: result.latency.ondi ?? null,
    cpu_ms: result.cpu.ondi ?? null,
  };
}
