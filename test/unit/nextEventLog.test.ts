import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ActionEvent } from '../../src/core/next/signals/actions';
import { EventLog } from '../../src/core/next/signals/eventLog';
import {
  deleteEventLog,
  loadEventLog,
  LOG_FORMAT,
  LOG_VERSION,
  saveEventLog,
} from '../../src/core/next/signals/eventLogFile';
import { NextStepSession } from '../../src/core/next/nextStepSession';
import { createLogger, type LogRecord } from '../../src/core/log';

const event = (at: number, action: ActionEvent['action']): ActionEvent => ({ at, action });

describe('next-step event log in memory', () => {
  it('compacts a burst of edits to one file and re-opening the open file into one event', () => {
    const log = new EventLog();
    assert.equal(log.append(event(1, { kind: 'open', file: 'a.ts' })), true);
    assert.equal(log.append(event(2, { kind: 'open', file: 'a.ts' })), false);
    assert.equal(log.append(event(3, { kind: 'edit', file: 'a.ts' })), true);
    assert.equal(log.append(event(4, { kind: 'edit', file: 'a.ts' })), false);
    assert.equal(log.append(event(5, { kind: 'edit', file: 'b.ts' })), true);
    assert.equal(log.append(event(6, { kind: 'save', file: 'b.ts' })), true);
    assert.deepEqual(
      log.events.map((e) => `${e.action.kind}@${e.at}`),
      ['open@2', 'edit@4', 'edit@5', 'save@6'],
    );
  });

  it('stays within its bound, keeping the newest events', () => {
    const log = new EventLog(100);
    for (let i = 0; i < 1000; i++) log.append(event(i, { kind: 'task', name: `t${i}` }));
    assert.ok(log.size <= 100);
    assert.equal(log.events[log.size - 1]?.at, 999);
    assert.ok((log.events[0]?.at ?? 0) > 800);
  });
});

describe('next-step event log on disk', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ondi-next-log-'));
    file = path.join(dir, 'next-steps.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips events and the learned predictor state, in a versioned format', async () => {
    const events = [
      event(1, { kind: 'save', file: 'a.ts' }),
      event(2, { kind: 'shell', template: 'npm test', command: 'npm test' }),
    ];
    const state = {
      threshold: 0.42,
      calibration: { hits: new Array<number>(10).fill(1), tries: new Array<number>(10).fill(2) },
    };
    await saveEventLog(file, events, state, 99);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { format: string; version: number; savedAt: number };
    assert.equal(stored.format, LOG_FORMAT);
    assert.equal(stored.version, LOG_VERSION);
    assert.equal(stored.savedAt, 99);
    const loaded = await loadEventLog(file);
    assert.deepEqual(loaded.events, events);
    assert.deepEqual(loaded.predictor, state);
    assert.equal(loaded.problem, undefined);
  });

  it('starts empty without a file', async () => {
    const loaded = await loadEventLog(file);
    assert.deepEqual(loaded.events, []);
    assert.equal(loaded.problem, undefined);
  });

  it('moves a corrupt file aside, says so clearly, and starts fresh', async () => {
    writeFileSync(file, '{"format":"ondi-next-steps","version":1,"events":[{"at":1,');
    const loaded = await loadEventLog(file, 1234);
    assert.deepEqual(loaded.events, []);
    assert.match(
      loaded.problem ?? '',
      /could not be read: it is not valid JSON .*moved to .*next-steps\.json\.unreadable-1234 and Ondi starts with an empty history/,
    );
    assert.equal(existsSync(file), false);
    assert.equal(readFileSync(`${file}.unreadable-1234`, 'utf8').startsWith('{"format"'), true, 'the bad file is kept');
  });

  it('refuses a file from a newer Ondi or of another kind, and keeps it aside', async () => {
    writeFileSync(file, JSON.stringify({ format: LOG_FORMAT, version: LOG_VERSION + 1, events: [] }));
    assert.match((await loadEventLog(file, 1)).problem ?? '', /version 2 is newer than this Ondi understands/);
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    assert.match((await loadEventLog(file, 2)).problem ?? '', /not an Ondi next-step log/);
    assert.deepEqual(readdirSync(dir).sort(), ['next-steps.json.unreadable-1', 'next-steps.json.unreadable-2']);
  });

  it('drops malformed events but keeps the good ones', async () => {
    writeFileSync(
      file,
      JSON.stringify({
        format: LOG_FORMAT,
        version: LOG_VERSION,
        events: [
          { at: 1, action: { kind: 'save', file: 'a.ts' } },
          { at: 2, action: { kind: 'teleport' } },
          { at: 'x' },
          { at: 3, action: { kind: 'open' } },
        ],
      }),
    );
    const loaded = await loadEventLog(file);
    assert.deepEqual(loaded.events, [event(1, { kind: 'save', file: 'a.ts' })]);
    assert.equal(loaded.dropped, 3);
  });

  it('never leaves a torn file when the writer is killed mid-write', async function () {
    this.timeout(60_000);
    const root = path.join(__dirname, '../..');
    for (let attempt = 0; attempt < 2; attempt++) {
      const child = spawn(
        process.execPath,
        ['--require', 'tsx/cjs', path.join(root, 'test/fixtures/next/saveForever.ts'), file],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      // Let it complete a few saves, then kill it at an arbitrary point of one.
      await new Promise((resolve) => setTimeout(resolve, 1500 + 400 * attempt));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const loaded = await loadEventLog(file);
      assert.equal(loaded.problem, undefined, 'the file is whole');
      assert.equal(loaded.events.length, 200_000);
      const names = new Set(loaded.events.map((e) => (e.action.kind === 'task' ? e.action.name : '')));
      assert.equal(names.size, 1, 'one version, not a mix');
    }
  });

  it('removes its temporary file when the final rename fails', async () => {
    const target = path.join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'x');
    await assert.rejects(saveEventLog(target, [event(2, { kind: 'commit' })], undefined));
    assert.deepEqual(readdirSync(dir), ['taken']);
  });

  it('ignores a temporary file left behind by a crash mid-write', async () => {
    await saveEventLog(file, [event(1, { kind: 'commit' })], undefined);
    writeFileSync(path.join(dir, '.next-steps.json.123.abcd.tmp'), '{"format":"ondi-next-st');
    const loaded = await loadEventLog(file);
    assert.deepEqual(loaded.events, [event(1, { kind: 'commit' })]);
  });

  it('deletes the log and the unreadable copies next to it', async () => {
    await saveEventLog(file, [event(1, { kind: 'commit' })], undefined);
    writeFileSync(`${file}.unreadable-5`, 'junk');
    writeFileSync(path.join(dir, 'unrelated.json'), '{}');
    await deleteEventLog(file);
    assert.deepEqual(readdirSync(dir), ['unrelated.json']);
  });
});

describe('next-step session', () => {
  let dir: string;
  let file: string;
  const records: LogRecord[] = [];
  const log = createLogger(
    (record) => records.push(record),
    () => 'debug',
  );
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ondi-next-session-'));
    file = path.join(dir, 'log.json');
    records.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (extra: Partial<Parameters<typeof NextStepSession.open>[0]> = {}) =>
    NextStepSession.open({
      logFile: file,
      workspaceRoot: undefined,
      log,
      isExcluded: (f) => f.endsWith('.env'),
      saveDelayMs: 10_000,
      ...extra,
    });

  it('keeps what it learned across restarts', async () => {
    const first = await open();
    for (let i = 0; i < 4; i++) {
      first.record({ kind: 'save', file: 'src/a.test.ts' });
      first.record({ kind: 'task', name: 'test' });
    }
    await first.dispose();
    const second = await open();
    assert.equal(second.eventCount, 8);
    second.record({ kind: 'save', file: 'src/b.test.ts' });
    assert.equal(second.suggest().steps[0]?.key, 'task:test');
    await second.dispose();
  });

  it('never stores or learns events about excluded files', async () => {
    const session = await open();
    session.record({ kind: 'edit', file: 'config/.env' });
    session.record({ kind: 'save', file: 'config/.env' });
    session.record({ kind: 'save', file: 'src/a.ts' });
    await session.dispose();
    const text = readFileSync(file, 'utf8');
    assert.equal(text.includes('.env'), false);
    assert.equal((await loadEventLog(file)).events.length, 1);
  });

  it('recovers from a corrupt log with a warning in the log', async () => {
    writeFileSync(file, 'not json at all');
    const session = await open();
    assert.equal(session.eventCount, 0);
    assert.ok(records.some((r) => r.level === 'warn' && /could not be read/.test(r.message)));
    session.record({ kind: 'commit' });
    await session.dispose();
    assert.equal((await loadEventLog(file)).events.length, 1);
  });

  it('forgets everything on request: file, copies and suggestions', async () => {
    writeFileSync(`${file}.unreadable-1`, 'old');
    const session = await open();
    for (let i = 0; i < 3; i++) {
      session.record({ kind: 'save', file: 'a.ts' });
      session.record({ kind: 'task', name: 'build' });
    }
    await session.flush();
    assert.ok(existsSync(file));
    await session.forget();
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(session.eventCount, 0);
    session.record({ kind: 'save', file: 'a.ts' });
    assert.equal(session.suggest().steps.length, 0);
    await session.dispose();
  });

  it('keeps a deleted habit deleted across restarts, and learns it again when it happens again', async () => {
    const first = await open();
    for (let i = 0; i < 4; i++) {
      first.record({ kind: 'save', file: `src/m${i}.test.ts` });
      first.record({ kind: 'task', name: 'test' });
    }
    const habit = first.habits().find((h) => h.nextKey === 'task:test');
    assert.equal(habit?.text, 'After saving a *.test.ts file, you ran the task `test` 4 times');
    assert.equal(first.forgetHabit(habit?.trigger ?? '', 'task:test'), true);
    assert.ok(first.habits().every((h) => h.nextKey !== 'task:test' || h.trigger !== 'save:*.test.ts'));
    await first.dispose();
    assert.equal((await loadEventLog(file)).forgotten.length, 1);

    const second = await open();
    assert.equal(second.eventCount, 8, 'the events themselves stay');
    assert.ok(
      second.habits().every((h) => h.trigger !== 'save:*.test.ts'),
      'still forgotten after a restart',
    );
    for (let i = 0; i < 2; i++) {
      second.record({ kind: 'save', file: `src/n${i}.test.ts` });
      second.record({ kind: 'task', name: 'test' });
    }
    assert.equal(
      second.habits().find((h) => h.trigger === 'save:*.test.ts')?.count,
      2,
      'learned anew from the new steps only',
    );
    await second.dispose();
  });

  it('keeps the suggestion tally across restarts and reads logs written before it existed', async () => {
    const first = await open();
    for (let i = 0; i < 4; i++) {
      first.record({ kind: 'save', file: 'src/a.test.ts' });
      first.suggest();
      first.record({ kind: 'task', name: 'test' });
    }
    const tally = first.tally;
    assert.ok(tally.guesses > 0);
    await first.dispose();
    const second = await open();
    assert.deepEqual(second.tally, tally);
    await second.dispose();
    // an older file: no tally, no deleted habits
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { predictor: Record<string, unknown> };
    delete stored.predictor['tally'];
    writeFileSync(file, JSON.stringify(stored));
    const third = await open();
    assert.deepEqual(third.tally, { shown: 0, taken: 0, guesses: 0, right: 0 });
    assert.equal(third.eventCount, 8);
    await third.dispose();
  });

  it('seeds next-file suggestions from the git history in the background', async () => {
    const commits = Array.from({ length: 3 }, (_, i) => ({
      hash: `h${i}`,
      time: i,
      files: ['src/a.ts', 'src/a.test.ts'],
      deleted: [],
    }));
    const session = await open({ workspaceRoot: '/repo', readHistory: () => Promise.resolve(commits) });
    await session.whenSeeded();
    session.record({ kind: 'open', file: 'src/a.ts' });
    assert.equal(session.suggest().steps[0]?.key, 'open:src/a.test.ts');
    await session.dispose();
  });
});
