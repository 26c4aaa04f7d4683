import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OutcomeStore } from '../../src/core/outcomes/outcomeStore';
import { hourKey } from '../../src/core/outcomes/outcomeTimeline';
import { emptyOutcomeStats } from '../../src/core/outcomes/outcomes';
import { zeroCounts } from '../../src/core/outcomes/outcomeKinds';
import { createLogger, type LogRecord } from '../../src/core/log';
import { readJsonFile, writeFileAtomic } from '../../src/core/store/atomicFile';

describe('outcome store', () => {
  let dir: string;
  const records: LogRecord[] = [];
  const log = createLogger(
    (record) => records.push(record),
    () => 'debug',
  );

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-outcomes-'));
    records.length = 0;
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the stats to its file and reads them back in a later session', async () => {
    const file = path.join(dir, 'nested/outcomes.json');
    const first = new OutcomeStore({ file, log });
    first.record({ kind: 'shown', languageId: 'typescript', chars: 5 });
    first.record({ kind: 'shown', source: 'cached', languageId: 'typescript', chars: 4 });
    first.record({ kind: 'accepted', how: 'word', languageId: 'typescript', chars: 5 });
    first.record({ kind: 'request', languageId: 'typescript', chars: 0 });
    first.latency(21);
    await first.dispose();
    const second = new OutcomeStore({ file, log });
    await second.whenLoaded();
    assert.deepEqual(second.stats.counts, { ...zeroCounts(), shown: 2, cached: 1, word: 1 });
    assert.equal(second.stats.requests, 1);
    assert.equal(second.stats.latency.count, 1);
  });

  it('keeps what was recorded before the file had been read', async () => {
    const file = path.join(dir, 'outcomes.json');
    const first = new OutcomeStore({ file, log });
    first.record({ kind: 'shown', languageId: 'python', chars: 2 });
    await first.dispose();
    const second = new OutcomeStore({ file, log });
    second.record({ kind: 'dismissed', languageId: 'python', chars: 0 });
    await second.whenLoaded();
    assert.deepEqual(second.stats.counts, { ...zeroCounts(), shown: 1, dismissed: 1 });
    await second.dispose();
  });

  it('writes by itself shortly after a change, not per event', async () => {
    const file = path.join(dir, 'outcomes.json');
    const store = new OutcomeStore({ file, log, flushDelayMs: 20 });
    for (let i = 0; i < 50; i++) store.record({ kind: 'shown', languageId: 'typescript', chars: 1 });
    assert.equal(await readJsonFile(file), undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const saved = (await readJsonFile(file)) as { counts: { shown: number } };
    assert.equal(saved.counts.shown, 50);
    await store.dispose();
  });

  it('starts over, with a warning, from a corrupt file', async () => {
    const file = path.join(dir, 'outcomes.json');
    await fs.writeFile(file, '{"version": 1, "counts": ');
    const store = new OutcomeStore({ file, log });
    await store.whenLoaded();
    assert.equal(store.stats.counts.shown, 0);
    assert.ok(records.some((r) => r.level === 'warn' && r.message.includes('could not be read')));
    store.record({ kind: 'shown', languageId: 'typescript', chars: 1 });
    await store.dispose();
    assert.equal(((await readJsonFile(file)) as { counts: { shown: number } }).counts.shown, 1);
  });

  it('starts over from a version 1 file, saying why: its counts mixed cached repeats and typing along in', async () => {
    const file = path.join(dir, 'outcomes.json');
    await fs.writeFile(
      file,
      JSON.stringify({
        ...emptyOutcomeStats(),
        version: 1,
        counts: { shown: 7, accepted: 2, partial: 1, dismissed: 4 },
      }),
    );
    const store = new OutcomeStore({ file, log });
    await store.whenLoaded();
    assert.equal(store.stats.counts.shown, 0);
    assert.ok(records.some((r) => r.level === 'info' && r.message.includes('older version')));
    await store.dispose();
  });

  it('reads a file written before the timeline existed, keeps its totals and starts a timeline', async () => {
    const file = path.join(dir, 'outcomes.json');
    const old = { ...emptyOutcomeStats(), counts: { ...zeroCounts(), shown: 7, tab: 2, dismissed: 4 } } as Record<
      string,
      unknown
    >;
    delete old['timeline'];
    await fs.writeFile(file, JSON.stringify(old));
    const at = Date.UTC(2025, 4, 6, 12);
    const store = new OutcomeStore({ file, log, now: () => at });
    await store.whenLoaded();
    assert.equal(store.stats.counts.shown, 7);
    assert.deepEqual(store.stats.timeline, { hours: {}, days: {} });
    store.record({ kind: 'shown', languageId: 'typescript', chars: 3 });
    await store.dispose();
    const saved = (await readJsonFile(file)) as {
      counts: { shown: number };
      timeline: { hours: Record<string, { shown: number }> };
    };
    assert.equal(saved.counts.shown, 8);
    assert.equal(saved.timeline.hours[hourKey(at)]?.shown, 1);
  });

  it('tells listeners about every change and every write, and clear() forgets everything and deletes the file', async () => {
    const file = path.join(dir, 'outcomes.json');
    const store = new OutcomeStore({ file, log });
    await store.whenLoaded();
    let heard = 0;
    const listening = store.onDidChange(() => heard++);
    store.record({ kind: 'shown', languageId: 'typescript', chars: 3 });
    store.latency(12);
    assert.equal(heard, 2);
    await store.flush();
    assert.ok((await readJsonFile(file)) !== undefined);
    assert.equal(heard, 3, "the write is heard too (the file's size changed)");
    await store.clear();
    assert.equal(heard, 4);
    assert.equal(store.stats.counts.shown, 0);
    assert.equal(store.stats.latency.count, 0);
    assert.equal(await readJsonFile(file), undefined);
    // nothing is written back until something new happens
    await store.flush();
    assert.equal(await readJsonFile(file), undefined);
    assert.equal(heard, 4, 'nothing to write, nothing heard');
    listening.dispose();
    store.record({ kind: 'shown', languageId: 'typescript', chars: 1 });
    assert.equal(heard, 4);
    await store.dispose();
    assert.equal(((await readJsonFile(file)) as { counts: { shown: number } }).counts.shown, 1);
  });

  it('keeps stats in memory only when it has no file', async () => {
    const store = new OutcomeStore({ file: undefined, log });
    store.record({ kind: 'shown', languageId: 'typescript', chars: 1 });
    await store.dispose();
    assert.equal(store.stats.counts.shown, 1);
    assert.deepEqual(await fs.readdir(dir), []);
  });
});

describe('atomic file writes', () => {
  it('replaces the file in one step and leaves no temporary files behind', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-atomic-'));
    try {
      const file = path.join(dir, 'data.json');
      await writeFileAtomic(file, '{"a":1}');
      await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(file, JSON.stringify({ a: i }))));
      const value = (await readJsonFile(file)) as { a: number };
      assert.ok(value.a >= 0 && value.a < 20);
      assert.deepEqual(await fs.readdir(dir), ['data.json']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing file as undefined and broken JSON as an error', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-atomic-'));
    try {
      assert.equal(await readJsonFile(path.join(dir, 'none.json')), undefined);
      await fs.writeFile(path.join(dir, 'bad.json'), '{');
      await assert.rejects(readJsonFile(path.join(dir, 'bad.json')), SyntaxError);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
