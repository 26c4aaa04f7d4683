import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { CoChangeBaseline, FrequencyBaseline, RecencyBaseline } from '../../src/core/next/eval/baselines';
import { queryOf, replayNextFile } from '../../src/core/next/eval/nextFileEval';
import type { NextFilePredictor } from '../../src/core/next/eval/predictor';
import { readCommits, type CommitRecord } from '../../src/core/next/signals/gitHistory';

/** A throwaway repository whose commits change the given files (contents made unique). */
function makeRepo(dir: string, commits: readonly (readonly string[])[], options: { mergeAt?: number } = {}): void {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' },
    });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  commits.forEach((files, index) => {
    if (options.mergeAt === index) {
      git('checkout', '-q', '-b', 'side');
      writeFileSync(path.join(dir, 'side.txt'), 'side');
      git('add', '-A');
      git('commit', '-q', '-m', 'side');
      git('checkout', '-q', 'main');
      git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    }
    for (const file of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), `${file} ${index}\n`);
    }
    git('add', '-A');
    git('commit', '-q', '-m', `commit ${index}`);
  });
}

/** Records exactly what it was asked and taught, to check the protocol's order of events. */
class Recorder implements NextFilePredictor {
  readonly name = 'recorder';
  readonly calls: string[] = [];
  constructor(private readonly answer: readonly string[] = []) {}
  predict(query: string): readonly string[] {
    this.calls.push(`predict ${query}`);
    return this.answer;
  }
  learn(commit: CommitRecord, query: string | undefined): void {
    this.calls.push(`learn ${commit.files.join(',')}${query ? ` (query ${query})` : ''}`);
  }
}

const commit = (files: string[], deleted: string[] = []): CommitRecord => ({
  hash: files.join(),
  time: 0,
  files,
  deleted,
});

describe('eval next: protocol', () => {
  it('asks only about commits changing 2 to 20 files, with the first file in git order', () => {
    assert.equal(queryOf(commit(['a'])), undefined);
    assert.equal(queryOf(commit(['b', 'a'])), 'b');
    assert.equal(queryOf(commit(Array.from({ length: 20 }, (_, i) => `f${i}`))), 'f0');
    assert.equal(queryOf(commit(Array.from({ length: 21 }, (_, i) => `f${i}`))), undefined);
  });

  it('with a draw, picks among the distinct files, so a later file can be the query', () => {
    const c = commit(['a', 'b', 'c', 'a']);
    assert.equal(queryOf(c, 0), 'a');
    assert.equal(queryOf(c, 0.5), 'b');
    assert.equal(queryOf(c, 0.99), 'c');
    assert.equal(queryOf(commit(['solo']), 0.5), undefined);
  });

  it('--query random draws once per commit from the seed, the same draws every run', () => {
    const history = Array.from({ length: 30 }, (_, i) => commit([`a${i}`, `b${i}`, `c${i}`]));
    const asked = (seed: number) => {
      const recorder = new Recorder();
      replayNextFile(history, 30, [recorder], undefined, { query: 'random', seed });
      return recorder.calls.filter((call) => call.startsWith('predict'));
    };
    assert.deepEqual(asked(1), asked(1));
    assert.notDeepEqual(asked(1), asked(2));
    assert.ok(
      asked(1).some((call) => !call.startsWith('predict a')),
      'not always the first file',
    );
  });

  it('scores each commit before learning it, learns history before the window, and skips nothing from learning', () => {
    const recorder = new Recorder();
    const history = [commit(['x', 'y']), commit(['a', 'b']), commit(['solo']), commit(['c', 'd', 'e'])];
    const result = replayNextFile(history, 3, [recorder]);
    assert.deepEqual(recorder.calls, [
      'learn x,y (query x)', // before the window: learned, not scored
      'predict a',
      'learn a,b (query a)',
      'learn solo', // one file: not scored, still learned
      'predict c',
      'learn c,d,e (query c)',
    ]);
    assert.equal(result.scored, 2);
    assert.equal(result.replayed, 3);
  });

  it('computes hit@1, hit@3 and recall@10 as percentages of the scored commits', () => {
    // Always answers [q, r, s, ...]: for the commit {a, r, t} hit@1 misses (q), hit@3 hits (r),
    // recall@10 finds 1 of its 2 other files.
    const fixed = new Recorder(['q', 'r', 's', 't']);
    const result = replayNextFile([commit(['a', 'r', 'z']), commit(['b', 'q'])], 10, [fixed]);
    assert.deepEqual(result.scores.recorder, { hit1: 50, hit3: 100, recall10: 75 });
  });

  it('gives each baseline its plain meaning', () => {
    const history = [
      commit(['a', 'b']),
      commit(['a', 'b']),
      commit(['a', 'c']),
      commit(['d', 'e']),
      commit(['c', 'gone']),
      commit(['x', 'gone'], ['gone']),
    ];
    const recency = new RecencyBaseline();
    const frequency = new FrequencyBaseline();
    const rose = new CoChangeBaseline();
    for (const c of history) for (const p of [recency, frequency, rose]) p.learn(c);
    assert.deepEqual(recency.predict('a', 3), ['x', 'c', 'e']);
    assert.deepEqual(frequency.predict('x', 3), ['a', 'c', 'b'], 'a changed 3 times; b and c twice, c more recently');
    assert.deepEqual(rose.predict('a', 5), ['b', 'c'], 'rules a => b (2/3), a => c (1/3); nothing else');
    assert.deepEqual(rose.predict('c', 5), ['a'], 'deleted files are never proposed');
  });
});

describe('eval next on a real git repository', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ondi-eval-next-'));
    const commits: string[][] = [];
    for (let i = 0; i < 8; i++) {
      commits.push(['src/cart.ts', 'test/cart.test.ts']);
      commits.push(['README.md']);
      commits.push(['docs/guide.md', 'src/money.ts', 'test/money.test.ts']);
    }
    makeRepo(dir, commits, { mergeAt: 5 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads non-merge commits oldest first, files in git order, without rename detection', async () => {
    const commits = await readCommits(dir);
    assert.equal(commits.length, 25, '24 commits plus the side branch commit; the merge is left out');
    assert.deepEqual(commits[0]?.files, ['src/cart.ts', 'test/cart.test.ts']);
    assert.deepEqual(commits[2]?.files, ['docs/guide.md', 'src/money.ts', 'test/money.test.ts']);
    const names = execFileSync(
      'git',
      ['-C', dir, 'log', '--no-merges', '--no-renames', '--name-only', '--format=%x01'],
      { encoding: 'utf8' },
    )
      .split('\u0001')
      .filter((r) => r.trim())
      .map((r) => r.trim().split('\n'))
      .reverse();
    assert.deepEqual(
      commits.map((c) => c.files),
      names,
    );
  });

  it('prints exactly the contract JSON and beats the baselines on a repository with clear habits', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['eval', 'next', '--repo', dir, '--commits', '20', '--json'],
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
      '0.0.0',
    );
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(result), ['commits', 'ondi', 'baselines', 'query']);
    assert.equal(result.query, 'random', 'a seeded random file of each commit is the default query');
    const baselines = result.baselines as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(baselines).sort(), ['cochange', 'frequency', 'recency']);
    for (const k of [result.ondi as Record<string, number>, ...Object.values(baselines)]) {
      assert.deepEqual(Object.keys(k), ['hit1', 'hit3', 'recall10']);
      for (const v of Object.values(k)) assert.ok(v >= 0 && v <= 100);
    }
    // Of the last 20 commits, those with 2..20 files: 13 (the README-only ones are skipped).
    assert.equal(result.commits, 13);
    const ondi = result.ondi as Record<string, number>;
    assert.equal(ondi.hit1, 100, 'every pair repeats exactly');
    assert.ok((ondi.hit1 ?? 0) > (baselines.recency?.hit1 ?? 100));
    assert.match(stderr, /scored 13 of the last 20 non-merge commits/);
  });

  it('--query first asks about the first file in git order; --query random is the same for the same seed', async () => {
    const run = async (...extra: string[]) => {
      let stdout = '';
      const code = await runCli(
        ['eval', 'next', '--repo', dir, '--commits', '20', ...extra, '--json'],
        { stdout: (t) => (stdout += t), stderr: () => undefined },
        '0',
      );
      assert.equal(code, 0);
      return JSON.parse(stdout) as { commits: number; query: string; ondi: Record<string, number> };
    };
    const first = await run('--query', 'first');
    assert.equal(first.query, 'first');
    assert.equal(first.commits, 13);
    assert.deepEqual(await run('--query', 'random', '--seed', '3'), await run('--seed', '3'));
    let stdout = '';
    const code = await runCli(
      ['eval', 'next', '--repo', dir, '--query', 'last', '--json'],
      { stdout: (t) => (stdout += t), stderr: () => undefined },
      '0',
    );
    assert.equal(code, 2);
    assert.match(stdout, /--query must be random or first/);
  });

  it('fails with a usage error for a folder that is not a repository', async () => {
    let stdout = '';
    const empty = mkdtempSync(path.join(tmpdir(), 'ondi-not-git-'));
    try {
      const code = await runCli(
        ['eval', 'next', '--repo', empty, '--json'],
        { stdout: (t) => (stdout += t), stderr: () => undefined },
        '0',
      );
      assert.equal(code, 2);
      assert.match((JSON.parse(stdout) as { error: string }).error, /cannot read the git history/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
