import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkerScript } from '../../src/core/base/threads';
import {
  RequestTiming,
  answerKind,
  timingFileSink,
  type TimingRecord,
  type WorkerMarks,
} from '../../src/core/complete/requestTiming';
import { WorkerEngine } from '../../src/core/engine/workerClient';
import { request } from './fixtures/completionRequest';

// The benchmark's arithmetic is plain JavaScript beside the other test scripts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const felt = require('../scripts/lib/felt-latency') as FeltLatency;

interface Probe {
  keyAt: number;
  line?: number;
}
interface Render {
  t: number;
  text: string;
}
interface Split {
  kind: string;
  felt?: number;
  ondi?: number;
  parts?: Record<string, number>;
  requestId?: number;
  editorFirst?: boolean;
}
interface Stats {
  n: number;
  p50: number | undefined;
  p95: number | undefined;
}
interface FeltLatency {
  percentile(values: number[], p: number): number | undefined;
  splitProbe(probe: Probe, records: TimingRecord[], renders: Render[]): Split;
  waitsBehindStale(records: TimingRecord[]): { id: number; behind: number; queueMs: number }[];
  summarize(
    splits: Split[],
    records: TimingRecord[],
  ): {
    model: { felt: Stats; ondi: Stats; engine: Stats };
    cached: { felt: Stats };
    editor: { n: number };
    none: number;
    waited_behind_stale: number;
    waited_behind_other: number;
  };
  verdict(summary: ReturnType<FeltLatency['summarize']>): Record<string, boolean | undefined>;
}

/** A clock the test moves by hand. */
function handClock(start = 1_000): { now: () => number; at: (t: number) => void } {
  let t = start;
  return { now: () => t, at: (next) => (t = next) };
}

const START = { id: 1, path: '/w/a.ts', line: 3, character: 4, explicit: false, waitMs: 10, calledAt: 1_000 };

/** A shown request with every mark, times relative to `called`. */
function shown(id: number, called: number, marks: Partial<Record<string, number>> = {}, kind = 'model'): TimingRecord {
  const m = { wait: 10, post: 1, queue: 3, engine: 20, reply: 2, ...marks };
  const waitedAt = called + m.wait;
  const postedAt = waitedAt + m.post;
  const startedAt = postedAt + m.queue;
  const doneAt = startedAt + m.engine;
  return {
    ...START,
    id,
    calledAt: called,
    waitedAt,
    postedAt,
    worker: { queuedAt: postedAt + 1, startedAt, doneAt, kind: kind as WorkerMarks['kind'] },
    returnedAt: doneAt + m.reply,
    outcome: 'shown',
    chars: 12,
  };
}

describe('request timing: the marks of one completion request', function () {
  it('writes the record once the provider returned, with no worker marks when nothing was posted', function () {
    const clock = handClock();
    const records: TimingRecord[] = [];
    const timing = new RequestTiming(START, (r) => records.push(r), clock.now);
    clock.at(1_010);
    timing.waited();
    clock.at(1_011);
    timing.finish('cancelled');
    timing.finish('shown', 3); // a second finish changes nothing
    assert.deepEqual(records, [{ ...START, waitedAt: 1_010, returnedAt: 1_011, outcome: 'cancelled' }]);
  });

  it('waits for the worker marks of a posted request, even when VS Code gave up on it first', function () {
    const clock = handClock();
    const records: TimingRecord[] = [];
    const timing = new RequestTiming(START, (r) => records.push(r), clock.now);
    clock.at(1_010);
    timing.waited();
    clock.at(1_011);
    timing.posted();
    clock.at(1_020);
    timing.finish('cancelled');
    assert.equal(records.length, 0, 'the worker still owes its marks');
    const worker: WorkerMarks = { queuedAt: 1_012, startedAt: 1_300, doneAt: 1_420, kind: 'model' };
    timing.answered(worker);
    assert.deepEqual(records, [
      { ...START, waitedAt: 1_010, postedAt: 1_011, worker, returnedAt: 1_020, outcome: 'cancelled' },
    ]);
    timing.answered(undefined);
    assert.equal(records.length, 1);
  });

  it('records a shown suggestion with its length when the worker answered before the provider returned', function () {
    const clock = handClock();
    const records: TimingRecord[] = [];
    const timing = new RequestTiming(START, (r) => records.push(r), clock.now);
    timing.waited();
    timing.posted();
    timing.answered({ queuedAt: 1_000, startedAt: 1_000, doneAt: 1_000, kind: 'cached' });
    assert.equal(records.length, 0);
    clock.at(1_003);
    timing.finish('shown', 17);
    assert.equal(records[0]?.outcome, 'shown');
    assert.equal(records[0]?.chars, 17);
    assert.equal(records[0]?.returnedAt, 1_003);
  });

  it("tells the pipeline's answers apart by its trace", function () {
    assert.equal(answerKind({ cached: true }), 'cached');
    assert.equal(answerKind({ skipped: 'inside a word' }), 'skipped');
    assert.equal(answerKind({}), 'model');
  });

  it('appends one JSON line per record to the timing file', async function () {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-timing-'));
    try {
      const file = path.join(dir, 'timing.jsonl');
      const sink = timingFileSink(file);
      sink({ ...START, returnedAt: 1_001, outcome: 'gated' });
      sink({ ...START, id: 2, returnedAt: 1_002, outcome: 'empty' });
      const deadline = Date.now() + 5_000;
      let lines: string[] = [];
      while (lines.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        lines = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      }
      assert.deepEqual(
        lines.map((line) => (JSON.parse(line) as TimingRecord).outcome),
        ['gated', 'empty'],
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("gets the completion worker's marks back: a request asked behind another starts when that one is done", async function () {
    this.timeout(120_000);
    const script: WorkerScript = {
      file: path.resolve(__dirname, '../../src/worker/engineWorker.ts'),
      typescript: true,
    };
    const engine = await WorkerEngine.start(path.resolve(__dirname, '../../models/ondi-code'), script);
    try {
      const records: TimingRecord[] = [];
      const timed = (id: number): RequestTiming =>
        new RequestTiming({ ...START, id, calledAt: Date.now() }, (r) => records.push(r));
      const first = timed(1);
      const second = timed(2);
      const prefix = 'export function add(a: number, b: number): number {\n  return ';
      const never = new AbortController().signal;
      const [a, b] = await Promise.all([
        engine.complete(request(prefix, '\n}\n'), never, first),
        engine.complete(request('const answer = ', '\n'), never, second),
      ]);
      first.finish(a ? 'shown' : 'empty', a?.text.length);
      second.finish(b ? 'shown' : 'empty', b?.text.length);
      assert.equal(records.length, 2);
      const [r1, r2] = [records.find((r) => r.id === 1), records.find((r) => r.id === 2)];
      assert.ok(r1?.worker && r2?.worker && r1.postedAt !== undefined && r2.postedAt !== undefined);
      for (const r of [r1, r2]) {
        const w = r.worker;
        assert.ok(w && r.postedAt !== undefined);
        assert.ok(r.postedAt <= w.queuedAt && w.queuedAt <= w.startedAt && w.startedAt <= w.doneAt);
        assert.ok(w.doneAt <= r.returnedAt);
      }
      // the second is the newest: it runs to the end (the first may be given up for it)
      assert.equal(r2.worker.kind, 'model');
      // one request at a time: the second waited for the first
      assert.ok(r2.worker.startedAt >= r1.worker.doneAt);

      // a request VS Code gave up on returns at once; its marks come when the worker answers it
      const records3: TimingRecord[] = [];
      const third = new RequestTiming({ ...START, id: 3, calledAt: Date.now() }, (r) => records3.push(r));
      const abort = new AbortController();
      const pending = engine.complete(request(prefix, '\n}\n'), abort.signal, third);
      abort.abort();
      assert.equal(await pending, undefined);
      third.finish('cancelled');
      const deadline = Date.now() + 30_000;
      while (records3.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(records3[0]?.outcome, 'cancelled');
      assert.ok(records3[0]?.worker, 'the worker answered the cancelled request with its marks');
    } finally {
      await engine.dispose();
    }
  });
});

describe('felt latency arithmetic of the editor benchmark', function () {
  it('takes percentiles between the nearest ranks', function () {
    assert.equal(felt.percentile([50, 10, 40, 20, 30], 50), 30);
    assert.equal(felt.percentile([10, 20, 30, 40, 50], 95), 48);
    assert.equal(felt.percentile([7], 95), 7);
    assert.equal(felt.percentile([], 50), undefined);
  });

  it("splits a probe into VS Code's share, Ondi's wait, queue, engine, host and the way back, adding up to the felt time", function () {
    const record = shown(4, 1_045);
    const split = felt.splitProbe({ keyAt: 1_000, line: 3 }, [record], [{ t: 1_130, text: 'foo' }]);
    assert.equal(split.kind, 'model');
    assert.equal(split.felt, 130);
    assert.equal(split.ondi, 36);
    assert.deepEqual(split.parts, { before: 45, wait: 10, queue: 3, engine: 20, host: 3, back: 49 });
    const parts = split.parts ?? {};
    assert.equal(
      Object.values(parts).reduce((sum, x) => sum + x, 0),
      split.felt,
    );
    assert.equal(split.editorFirst, false);
  });

  it('matches the first suggestion asked at or after the keystroke on that line, not an earlier or other-line one', function () {
    const stale = shown(1, 950); // asked before the keystroke
    const elsewhere = { ...shown(2, 1_010), line: 9 };
    const mine = shown(3, 1_020, {}, 'cached');
    const later = shown(5, 1_200);
    const renders = [
      { t: 990, text: 'old' },
      { t: 1_070, text: 'mine' },
    ];
    const split = felt.splitProbe({ keyAt: 1_000, line: 3 }, [later, stale, elsewhere, mine], renders);
    assert.equal(split.requestId, 3);
    assert.equal(split.kind, 'cached');
    assert.equal(split.felt, 70);
  });

  it('gives the ghost text to the newest answer handed out before it came up', function () {
    const first = shown(1, 1_005, {}, 'cached'); // returned at 1041, never drawn
    const second = shown(2, 1_030, { engine: 600 }); // returned at 1646
    const split = felt.splitProbe({ keyAt: 1_000 }, [first, second], [{ t: 1_700, text: 'x' }]);
    assert.equal(split.requestId, 2);
    assert.equal(split.kind, 'model');
    assert.equal(split.parts?.['back'], 54);
  });

  it("calls ghost text with no new answer behind it the editor's, and a probe without any none", function () {
    const editor = felt.splitProbe({ keyAt: 1_000 }, [], [{ t: 1_004, text: 'rest' }]);
    assert.deepEqual(editor, { kind: 'editor', felt: 4 });
    const none = felt.splitProbe({ keyAt: 1_000 }, [shown(1, 1_010)], []);
    assert.deepEqual(none, { kind: 'none' });
  });

  it('counts the requests that waited behind an older one still running', function () {
    const old = shown(1, 1_000, { engine: 400 }); // runs 1014 to 1414
    const current = shown(2, 1_100, { queue: 310 }); // posted 1111, starts 1421
    const after = shown(3, 1_600); // queue 3 ms: not counted
    const waits = felt.waitsBehindStale([old, current, after]);
    assert.deepEqual(waits, [{ id: 2, behind: 1, queueMs: 310 }]);
  });

  it('summarizes model runs and cache answers apart and checks the targets', function () {
    const records = [shown(1, 1_045), shown(2, 2_045, { engine: 300 }), shown(3, 3_045, { engine: 0 }, 'cached')];
    const splits = [
      felt.splitProbe({ keyAt: 1_000 }, records, [{ t: 1_150, text: 'a' }]),
      felt.splitProbe({ keyAt: 2_000 }, records, [{ t: 2_420, text: 'b' }]),
      felt.splitProbe({ keyAt: 3_000 }, records, [{ t: 3_100, text: 'c' }]),
      felt.splitProbe({ keyAt: 4_000 }, records, []),
    ];
    const summary = felt.summarize(splits, records);
    assert.equal(summary.model.felt.n, 2);
    assert.equal(summary.cached.felt.n, 1);
    assert.equal(summary.none, 1);
    assert.equal(summary.model.felt.p50, (150 + 420) / 2);
    assert.equal(summary.model.engine.p95, 20 + (300 - 20) * 0.95);
    assert.equal(summary.waited_behind_stale, 0);
    assert.equal(summary.waited_behind_other, 0);
    const verdict = felt.verdict(summary);
    assert.equal(verdict['ondi_p50'], false, 'p50 of 36 and 316 ms is 176 ms, over 60');
    assert.equal(verdict['felt_p95'], false);
    assert.equal(verdict['waited_behind_stale'], true);
  });
});
