import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { parseCommitPatch, readCommitHunks } from '../../src/core/next/eval/commitHunks';
import { makeRepo } from './fixtures/gitRepo';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `const pad${i} = ${i};`).join('\n');
const user = (name: string) =>
  [
    `export function ${name}(id) {`,
    '  return db.get(id);',
    '}',
    filler(10),
    `export const admin = () => ${name}('root');`,
    filler(10),
    `export const guest = () => ${name}('guest');`,
    '',
  ].join('\n');
const app = (name: string) =>
  [`import { ${name} } from './user';`, filler(10), `render(${name}(session));`, ''].join('\n');

describe('eval edit: reading hunks', () => {
  it('parses a -U0 patch into hunks of code files with their old start and lines', () => {
    const record = [
      '\u0001abc123',
      '',
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3 @@ export',
      '-old();',
      '+renamed();',
      '@@ -10,0 +11,2 @@',
      '+one();',
      '+two();',
      'diff --git a/README.md b/README.md',
      '--- a/README.md',
      '+++ b/README.md',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      'diff --git a/src/new.py b/src/new.py',
      '--- /dev/null',
      '+++ b/src/new.py',
      '@@ -0,0 +1 @@',
      '+print(1)',
    ].join('\n');
    assert.deepEqual(parseCommitPatch(record), {
      hash: 'abc123',
      hunks: [
        { path: 'src/a.ts', oldStart: 3, oldLines: ['old();'], newLines: ['renamed();'] },
        { path: 'src/a.ts', oldStart: 10, oldLines: [], newLines: ['one();', 'two();'] },
        { path: 'src/new.py', oldStart: 0, oldLines: [], newLines: ['print(1)'] },
      ],
    });
  });

  it('reads "--- x" and "+++ x" inside a hunk as changed lines, not as a file header; other files when asked', () => {
    const record = [
      'def456',
      'diff --git a/db/schema.sql b/db/schema.sql',
      '--- a/db/schema.sql',
      '+++ b/db/schema.sql',
      '@@ -2,2 +2,2 @@',
      '--- old note',
      '-DROP TABLE carts;',
      '+++ new note',
      '+DROP TABLE orders;',
      '@@ -9 +9 @@',
      '-a',
      '+b',
    ].join('\n');
    assert.deepEqual(parseCommitPatch(record, () => true)?.hunks, [
      {
        path: 'db/schema.sql',
        oldStart: 2,
        oldLines: ['-- old note', 'DROP TABLE carts;'],
        newLines: ['++ new note', 'DROP TABLE orders;'],
      },
      { path: 'db/schema.sql', oldStart: 9, oldLines: ['a'], newLines: ['b'] },
    ]);
    assert.deepEqual(parseCommitPatch(record)?.hunks, [], 'the protocol reads code files only');
  });
});

describe('eval edit on a real git repository', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ondi-eval-edit-'));
    makeRepo(dir, [
      { 'src/user.js': user('getUser'), 'src/app.js': app('getUser'), 'notes.md': 'a' },
      { 'notes.md': 'b' }, // no code: not a question
      { 'src/user.js': user('fetchUser'), 'src/app.js': app('fetchUser') }, // a rename in 5 hunks
    ]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads only commits with 2+ code hunks, newest last', async () => {
    const commits = await readCommitHunks(dir, 10);
    assert.equal(commits.length, 2, 'the first commit adds two files (2 hunks); the notes commit has no code');
    assert.equal(commits[1]?.hunks.length, 5);
  });

  it('prints the contract JSON; a rename across a file and its importer is found, with the text, never undone', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['eval', 'edit', '--repo', dir, '--commits', '1', '--seed', '4', '--json'],
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
      '0.0.0',
    );
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as {
      hunks: number;
      ondi: Record<string, number | null>;
      baselines: Record<string, Record<string, number | null>>;
      latency_ms: { p50: number; p95: number };
      cpu_ms: { p50: number; p95: number };
    };
    assert.deepEqual(Object.keys(result).slice(0, 3), ['hunks', 'ondi', 'baselines']);
    assert.deepEqual(Object.keys(result.baselines).sort(), ['cochange', 'occurrence']);
    for (const e of [result.ondi, ...Object.values(result.baselines)])
      assert.deepEqual(Object.keys(e), ['hit1', 'hit3', 'content_em', 'reversals']);
    assert.equal(result.hunks, 4, 'five hunks: a question after each but the last');
    assert.equal(result.ondi.hit1, 100, 'every other use of the old name is a hunk still to come');
    assert.equal(result.ondi.content_em, 100, 'each later hunk repeats the rename, and the proposal is its text');
    assert.equal(result.ondi.reversals, 0);
    assert.equal(result.baselines.occurrence?.content_em, null, 'the baselines propose no text');
    assert.ok(result.latency_ms.p95 >= result.latency_ms.p50 && result.latency_ms.p50 >= 0);
    assert.ok(result.cpu_ms.p95 >= result.cpu_ms.p50 && result.cpu_ms.p50 >= 0);
    assert.match(stderr, /scored 4 hunks of 1 commits/);
  });

  it('the same seed gives the same figures; --commits 0 is a usage error', async () => {
    const run = async (...args: string[]) => {
      let stdout = '';
      const code = await runCli(
        ['eval', 'edit', '--repo', dir, ...args, '--json'],
        { stdout: (t) => (stdout += t), stderr: () => undefined },
        '0',
      );
      const parsed = JSON.parse(stdout) as Record<string, unknown>;
      delete parsed.latency_ms;
      delete parsed.cpu_ms;
      return { code, parsed };
    };
    assert.deepEqual(await run('--seed', '9'), await run('--seed', '9'));
    const bad = await run('--commits', '0');
    assert.equal(bad.code, 2);
  });
});
