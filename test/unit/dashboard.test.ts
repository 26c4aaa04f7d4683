import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LearnedMeta } from '../../src/core/adapt/workerProtocol';
import { addLatency } from '../../src/core/outcomes/latencyHistogram';
import {
  emptyOutcomeStats,
  recordOutcome,
  type OutcomeEvent,
  type OutcomeStats,
} from '../../src/core/outcomes/outcomes';
import { buildDashboard, describeStoredFile, type DashboardSources } from '../../src/core/dashboard/buildDashboard';
import { timelineSeries } from '../../src/core/dashboard/completionCharts';
import { parseModelReport, sameStage } from '../../src/core/dashboard/modelReport';
import { NETWORK_MODULES, scanBundles } from '../../src/core/dashboard/networkCheck';
import { parseDashboardRequest } from '../../src/core/dashboard/requests';
import { deleteStoredFiles, listStoredFiles } from '../../src/core/dashboard/storedFiles';
import { nativeTelemetryFolder, readNativeTelemetryState } from '../../src/core/base/nativeTelemetry';
import { EMPTY_TALLY } from '../../src/core/next/nextStepPredictor';

const HOUR = 3_600_000;
const NOW = new Date(2025, 4, 6, 15, 20).getTime();
const report = JSON.parse(readFileSync(path.join(__dirname, '../../models/report.json'), 'utf8')) as unknown;

const meta: LearnedMeta = {
  trainedAt: new Date(NOW - 2 * HOUR).toISOString(),
  seconds: 12,
  loss: 2.1,
  tokens: 4321,
  files: 3,
  fileList: ['src/a.ts'],
  recentEdits: 2,
  redactions: 1,
  rank: 16,
  sampling: 'newest first',
};

function sources(overrides: Partial<DashboardSources> = {}): DashboardSources {
  return {
    now: NOW,
    model: {
      state: { kind: 'ready', detail: 'pruned-int8 model, 10.3M parameters, loaded in 180 ms' },
      running: {
        stage: 'pruned-int8',
        params: 10_255_872,
        nonEmbeddingParams: 3_964_416,
        fileBytes: 13_850_000,
        layers: 8,
        hiddenSize: 384,
        vocabSize: 16_384,
      },
      report,
    },
    outcomes: emptyOutcomeStats(),
    personal: {
      file: '/g/ondi.ondi/abc/personal.ondi',
      fileBytes: undefined,
      meta: undefined,
      lift: undefined,
      enabled: true,
      training: false,
      paused: false,
      percent: undefined,
      problem: undefined,
      learning: 'on, after 30 s without typing',
    },
    next: undefined,
    privacy: {
      files: [],
      globalStorage: '/g/ondi.ondi',
      workspaceStorage: '/w/ondi.ondi',
      bundles: { at: new Date(NOW).toISOString(), scanned: [{ file: 'extension.js', bytes: 100 }], modulesFound: [] },
      modulesChecked: NETWORK_MODULES,
      remoteModelLoading: false,
      nativeTelemetry: { disabled: true, queueFound: false },
    },
    ...overrides,
  };
}

type Play = 'shown' | 'cached' | 'tab' | 'word' | 'line' | 'typedAlong' | 'dismissed';

function play(kinds: readonly [Play, string, number][]): OutcomeStats {
  const event = (kind: Play, languageId: string): OutcomeEvent => {
    if (kind === 'cached') return { kind: 'shown', source: 'cached', languageId, chars: 4 };
    if (kind === 'tab' || kind === 'word' || kind === 'line')
      return { kind: 'accepted', how: kind, languageId, chars: 4 };
    return { kind, languageId, chars: 4 };
  };
  return kinds.reduce(
    (stats, [kind, languageId, at]) => recordOutcome(stats, event(kind, languageId), at),
    emptyOutcomeStats(),
  );
}

describe('dashboard data: model card', () => {
  it('tells the compression story from models/report.json with the change against the dense model', () => {
    const { model } = buildDashboard(sources());
    assert.deepEqual(
      model.stages.map((s) => s.stage),
      ['dense fp32', 'pruned fp32', 'pruned int8'],
    );
    const [dense, , int8] = model.stages;
    assert.deepEqual(dense?.change, {});
    assert.equal(dense?.values.params, 20_453_760);
    // −49.9% parameters and −83.1% file size, as the README's table says
    assert.equal(int8?.change.params?.toFixed(1), '-49.9');
    assert.equal(int8?.change.fileMb?.toFixed(1), '-83.1');
    assert.ok((int8?.change.p50Ms ?? 0) < 0, 'faster than dense');
    assert.equal(int8?.running, true, 'the running model is the shipped stage');
    assert.equal(model.stages.filter((s) => s.running).length, 1);
    assert.deepEqual(model.lookup, { em: 8.8, es: 19 });
    assert.equal(model.samples, 500);
    assert.equal(model.reportProblem, undefined);
    assert.equal(model.stateText, 'Running: pruned-int8 model, 10.3M parameters, loaded in 180 ms');
    assert.equal(
      buildDashboard(sources({ model: { ...sources().model, state: { kind: 'error', message: 'no model at /x' } } }))
        .model.stateText,
      'Not running: no model at /x',
    );
  });

  it('says so when the report is missing or unreadable, and reads partial stages', () => {
    const missing = buildDashboard(
      sources({ model: { state: { kind: 'loading' }, running: undefined, report: undefined } }),
    ).model;
    assert.deepEqual(missing.stages, []);
    assert.match(missing.reportProblem ?? '', /could not be read/);
    assert.match(
      buildDashboard(sources({ model: { state: { kind: 'loading' }, running: undefined, report: { stages: 'x' } } }))
        .model.reportProblem ?? '',
      /no stages/,
    );
    const partial = parseModelReport(
      {
        stages: [
          { stage: 'a', params: 10 },
          { stage: 'b', params: 5, em: 3 },
        ],
      },
      undefined,
    );
    assert.deepEqual(partial?.stages[1]?.change, { params: -50 });
    assert.ok(sameStage('pruned-int8', 'Pruned INT8'));
    assert.ok(!sameStage('pruned fp32', 'pruned int8'));
  });
});

describe('dashboard data: completions', () => {
  it('counts outcomes, the acceptance rate per language and the model latency percentiles', () => {
    let stats = play([
      ['shown', 'typescript', NOW - HOUR],
      ['tab', 'typescript', NOW - HOUR],
      ['shown', 'typescript', NOW],
      ['word', 'typescript', NOW],
      ['cached', 'typescript', NOW],
      ['typedAlong', 'typescript', NOW],
      ['shown', 'python', NOW],
      ['dismissed', 'python', NOW],
    ]);
    for (const ms of [20, 25, 28, 45, 400]) stats = { ...stats, latency: addLatency(stats.latency, ms) };
    const c = buildDashboard(sources({ outcomes: stats })).completions;
    assert.equal(c.figures.shown, 4);
    assert.equal(c.figures.shownCached, 1);
    assert.deepEqual(c.figures.acceptedBy, { tab: 1, word: 1, line: 0 });
    assert.equal(c.figures.typedAlong, 1, 'typing along is counted apart');
    assert.equal(c.figures.acceptRate, 50, 'two accepts of four shown; typing along is not an accept');
    assert.equal(c.labels.accepted, 'accepted 2 of 4 shown (50%): Tab 1, word 1, line 0');
    assert.deepEqual(
      c.languages.map((l) => [l.language, l.shown, Math.round(l.acceptRate ?? -1)]),
      [
        ['typescript', 3, 67],
        ['python', 1, 0],
      ],
    );
    assert.equal(c.latency.count, 5);
    assert.equal(c.latency.p50, 30);
    assert.equal(c.latency.p95, 400);
    assert.equal(c.latency.labels[c.latency.p50Bucket ?? -1], '≤30');
    assert.equal(c.latency.labels[c.latency.p95Bucket ?? -1], '≤500');
    assert.equal(c.latency.labels.length, c.latency.counts.length);
    assert.equal(c.latency.labels[c.latency.labels.length - 1], '≤500');
    assert.equal(
      c.latency.counts.reduce((a, b) => a + b, 0),
      5,
    );
  });

  it('has no rates and no percentiles before anything was shown', () => {
    const c = buildDashboard(sources()).completions;
    assert.equal(c.figures.acceptRate, undefined);
    assert.equal(c.summary, 'No completions shown yet');
    assert.equal(c.latency.p50, undefined);
    assert.deepEqual(c.languages, []);
  });

  it('shows a first session per hour, and longer use per day', () => {
    const recent = timelineSeries(
      play([
        ['shown', 'ts', NOW - 3 * HOUR],
        ['tab', 'ts', NOW - 3 * HOUR],
        ['shown', 'ts', NOW],
      ]).timeline,
      NOW,
    );
    assert.equal(recent.unit, 'hour');
    assert.equal(recent.labels.length, 4);
    assert.equal(recent.labels[0], `${String(new Date(NOW - 3 * HOUR).getHours()).padStart(2, '0')}:00`);
    assert.deepEqual(recent.series.shown, [1, 0, 0, 1]);
    assert.deepEqual(recent.series.tab, [1, 0, 0, 0]);

    const longer = timelineSeries(
      play([
        ['shown', 'ts', NOW - 5 * 24 * HOUR],
        ['shown', 'ts', NOW],
        ['dismissed', 'ts', NOW],
      ]).timeline,
      NOW,
    );
    assert.equal(longer.unit, 'day');
    assert.equal(longer.labels.length, 6);
    assert.equal(longer.labels[5], '05-06');
    assert.deepEqual(longer.series.shown, [1, 0, 0, 0, 0, 1]);
    assert.deepEqual(longer.series.dismissed, [0, 0, 0, 0, 0, 1]);
  });
});

describe('dashboard data: personalization and next steps', () => {
  it('says what was learned, and shows a lift only for the model in use', () => {
    const lift = {
      measuredAt: new Date(NOW).toISOString(),
      trainedAt: meta.trainedAt,
      lift: {
        basis: 'unseen' as const,
        files: ['src/b.ts'],
        cases: 24,
        base: { em: 10, es: 40 },
        adapted: { em: 20, es: 50 },
        seconds: 2,
      },
    };
    const p = buildDashboard(sources({ personal: { ...sources().personal, meta, lift, fileBytes: 2048 } })).personal;
    assert.equal(p.state, 'on');
    assert.deepEqual(p.learned, {
      tokens: 4321,
      files: 3,
      recentEdits: 2,
      trainedAt: meta.trainedAt,
      seconds: 12,
      rank: 16,
      redactions: 1,
    });
    assert.equal(p.lift?.adapted.em, 20);
    assert.equal(p.fileBytes, 2048);
    const stale = buildDashboard(
      sources({ personal: { ...sources().personal, meta, lift: { ...lift, trainedAt: 'earlier' } } }),
    ).personal;
    assert.equal(stale.lift, undefined);
    const undated = buildDashboard(
      sources({ personal: { ...sources().personal, meta: { ...meta, trainedAt: new Date(0).toISOString() } } }),
    ).personal;
    assert.equal(undated.learned?.trainedAt, undefined);
  });

  it('names the learning state: no folder, training, off, paused, on', () => {
    const state = (p: Partial<DashboardSources['personal']>) =>
      buildDashboard(sources({ personal: { ...sources().personal, ...p } })).personal.state;
    assert.equal(state({ file: undefined }), 'no-workspace');
    assert.equal(state({ training: true, paused: true }), 'training');
    assert.equal(state({ enabled: false, paused: true }), 'off');
    assert.equal(state({ paused: true }), 'paused');
    assert.equal(state({}), 'on');
    assert.equal(
      buildDashboard(sources({ personal: { ...sources().personal, training: true, percent: 42 } })).personal.percent,
      42,
    );
  });

  it('reports how often next-step suggestions were taken and lists the habits', () => {
    const next = buildDashboard(
      sources({
        next: {
          events: 40,
          commits: 12,
          tally: { shown: 8, taken: 6, guesses: 20, right: 11 },
          habits: [
            {
              trigger: 'save:*.test.ts',
              next: { kind: 'task', name: 'test' },
              nextKey: 'task:test',
              count: 4,
              weight: 3.2,
              text: 'After saving a *.test.ts file, you ran the task `test` 4 times',
            },
          ],
        },
      }),
    ).next;
    assert.equal(next.available, true);
    assert.equal(next.takenRate, 75);
    assert.equal(next.rightRate, 55);
    assert.deepEqual(next.habits, [
      {
        trigger: 'save:*.test.ts',
        next: 'task:test',
        text: 'After saving a *.test.ts file, you ran the task `test` 4 times',
        count: 4,
      },
    ]);
    const none = buildDashboard(sources()).next;
    assert.equal(none.available, false);
    assert.deepEqual(none.tally, EMPTY_TALLY);
    assert.equal(none.takenRate, undefined);
  });
});

describe('dashboard data: privacy', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-dashboard-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists every stored file with its size and says what it is', async () => {
    const global = path.join(dir, 'global');
    const workspace = path.join(dir, 'workspace');
    const personalFile = path.join(global, 'abc', 'personal.ondi');
    const write = async (file: string, bytes: number) => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, Buffer.alloc(bytes, 1));
    };
    await write(path.join(global, 'outcomes.json'), 120);
    await write(personalFile, 3000);
    await write(path.join(global, 'abc', 'lift.json'), 200);
    await write(path.join(global, 'def', 'personal.ondi'), 1000);
    await write(path.join(workspace, 'next-steps.json'), 500);
    const files = await listStoredFiles([global, workspace, path.join(dir, 'missing')]);
    const privacy = buildDashboard(
      sources({
        personal: { ...sources().personal, file: personalFile },
        privacy: { ...sources().privacy, files, globalStorage: global, workspaceStorage: workspace },
      }),
    ).privacy;
    assert.equal(privacy.totalBytes, 4820);
    assert.deepEqual(
      privacy.files.map((f) => [path.relative(dir, f.path), f.bytes, f.what]),
      [
        [path.join('global', 'abc', 'lift.json'), 200, "Lift measured for this workspace's personal model"],
        [path.join('global', 'abc', 'personal.ondi'), 3000, 'Personal model of this workspace'],
        [path.join('global', 'def', 'personal.ondi'), 1000, 'Personal model of another workspace'],
        [path.join('global', 'outcomes.json'), 120, 'Completion statistics (all workspaces)'],
        [path.join('workspace', 'next-steps.json'), 500, 'Next-step history of this workspace'],
      ],
    );
    assert.equal(
      describeStoredFile(
        path.join(workspace, 'next-steps.json.unreadable-5'),
        { globalStorage: global, workspaceStorage: workspace },
        undefined,
      ),
      'An unreadable next-step history, set aside',
    );

    await deleteStoredFiles(files, [global, workspace]);
    assert.deepEqual(await listStoredFiles([global, workspace]), []);
    assert.deepEqual((await fs.readdir(global)).sort(), [], 'emptied folders go, the storage folders stay');
    assert.ok((await fs.stat(workspace)).isDirectory());
  });

  it('finds the networking modules a bundle loads, and none in a bundle without them', async () => {
    const clean = path.join(dir, 'clean.js');
    const chatty = path.join(dir, 'chatty.js');
    await fs.writeFile(clean, 'const fs = require("node:fs"); const p = require("path"); // http is only a word here');
    await fs.writeFile(
      chatty,
      'const h = require("https"); const n = require(\'node:net\'); const d = require("dns/promises");',
    );
    assert.deepEqual(await scanBundles([clean, path.join(dir, 'absent.js')], NOW), {
      at: new Date(NOW).toISOString(),
      scanned: [{ file: 'clean.js', bytes: (await fs.stat(clean)).size }],
      modulesFound: [],
    });
    assert.deepEqual((await scanBundles([clean, chatty])).modulesFound, ['dns', 'https', 'net']);
  });

  it('carries the bundle scan and the remote-loading switch through as measured', () => {
    const network = buildDashboard(sources()).privacy.network;
    assert.deepEqual(network.modulesFound, []);
    assert.deepEqual(network.modulesChecked, NETWORK_MODULES);
    assert.equal(network.remoteModelLoading, false);
    assert.deepEqual(network.nativeTelemetry, { disabled: true, queueFound: false });
    assert.equal(network.scannedAt, new Date(NOW).toISOString());
  });
});

describe("the native runtime's telemetry as the dashboard reads it", () => {
  it('says whether this process switched it off and whether an event queue exists in the home folder', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-home-'));
    try {
      assert.deepEqual(readNativeTelemetryState(home, { ORT_DISABLE_TELEMETRY: '1' }), {
        disabled: true,
        queueFound: false,
      });
      await fs.mkdir(nativeTelemetryFolder(home), { recursive: true });
      assert.deepEqual(readNativeTelemetryState(home, {}), { disabled: false, queueFound: true });
      // loading the runtime's owner module switches it off in this (main) thread
      assert.equal(readNativeTelemetryState(home).disabled, true);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });
});

describe('dashboard requests from the webview', () => {
  it('accepts the known requests and ignores anything else', () => {
    assert.deepEqual(parseDashboardRequest({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseDashboardRequest({ type: 'deleteHabit', trigger: 'a', next: 'b', extra: 1 }), {
      type: 'deleteHabit',
      trigger: 'a',
      next: 'b',
    });
    assert.equal(parseDashboardRequest({ type: 'deleteHabit', trigger: 1, next: 'b' }), undefined);
    assert.equal(parseDashboardRequest({ type: 'runShell' }), undefined);
    assert.equal(parseDashboardRequest('ready'), undefined);
    assert.equal(parseDashboardRequest(null), undefined);
  });
});
