import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { formatLearnedReport } from '../../src/core/adapt/learnedReport';
import {
  ControlCheckpoint,
  LearningControl,
  MAX_THROTTLE_MS,
  throttleDelayMs,
} from '../../src/core/adapt/learningControl';
import { decideLearning, LearningScheduler, type LearningFacts } from '../../src/core/adapt/learningScheduler';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import {
  deletePersonalModel,
  learnedMetaOf,
  loadPersonalModel,
  personalModelFile,
  workspaceKey,
} from '../../src/core/adapt/personalStore';
import { onBatteryPower } from '../../src/core/adapt/power';
import { loadGitignore } from '../../src/core/privacy/gitignore';
import { presentStatus } from '../../src/core/status';
import { clearLeftovers } from '../../src/core/store/leftovers';
import { collectWorkspace } from '../../src/core/adapt/workspaceSources';
import { fakeTime } from './fixtures/fakeTime';
import { tempFolder } from './fixtures/tempFolder';

const tmp = (): Promise<string> => tempFolder('ondi-personal-');

describe('learning throttle and control', () => {
  it('sleeps so that work takes the given CPU share of the time', () => {
    assert.equal(throttleDelayMs(100, 0.5), 100);
    assert.equal(throttleDelayMs(100, 0.25), 300);
    assert.equal(throttleDelayMs(100, 1), 0);
    assert.equal(throttleDelayMs(0, 0.5), 0);
    // a tiny share never stops progress and one sleep is bounded
    assert.equal(throttleDelayMs(10_000, 0.01), MAX_THROTTLE_MS);
    assert.ok(throttleDelayMs(10, 0) > 0);
    assert.equal(throttleDelayMs(50, Number.NaN), 0);
  });

  it('shares pause, resume, abort and the CPU share through shared memory', () => {
    const control = new LearningControl();
    const seen = new LearningControl(control.buffer);
    assert.equal(seen.state, 'run');
    assert.equal(seen.cpuShare, 1);
    control.setCpuShare(0.3);
    assert.equal(seen.cpuShare, 0.3);
    control.pause();
    assert.equal(seen.state, 'pause');
    control.resume();
    assert.equal(seen.state, 'run');
    control.abort();
    control.resume(); // an abort is final
    assert.equal(seen.state, 'abort');
  });

  it('throttles at the checkpoint by the measured work time', () => {
    const control = new LearningControl();
    control.setCpuShare(0.5);
    const checkpoint = new ControlCheckpoint(control);
    const busyUntil = performance.now() + 40;
    while (performance.now() < busyUntil) {
      // 40 ms of work
    }
    const started = performance.now();
    assert.equal(checkpoint.between(), true);
    const slept = performance.now() - started;
    assert.ok(slept >= 35 && slept < 400, `slept ${slept} ms after 40 ms of work at a share of 0.5`);
  });

  it('holds at the checkpoint while paused, and returns false once another thread aborts', async () => {
    const control = new LearningControl();
    control.pause();
    // the editor's side, in another thread, aborts after 300 ms
    const other = new Worker(
      `require('tsx/cjs');
       const { LearningControl } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/adapt/learningControl.ts'))});
       const { workerData } = require('node:worker_threads');
       setTimeout(() => new LearningControl(workerData).abort(), 300);`,
      { eval: true, workerData: control.buffer },
    );
    try {
      const started = performance.now();
      assert.equal(new ControlCheckpoint(control).between(), false);
      assert.ok(performance.now() - started >= 250, 'it waited while paused');
    } finally {
      await other.terminate();
    }
  });
});

const facts = (over: Partial<LearningFacts> = {}): LearningFacts => ({
  now: 1_000_000,
  enabled: true,
  paused: false,
  hasWorkspace: true,
  engineReady: true,
  training: false,
  lastActivity: 0,
  idleMs: 30_000,
  onBattery: false,
  hasModel: false,
  changesSinceTraining: 0,
  lastTrained: undefined,
  minIntervalMs: 600_000,
  lastFailure: undefined,
  retryAfterFailureMs: 300_000,
  ...over,
});

describe('when Ondi learns', () => {
  it('learns a first personal model once the editor has been idle long enough', () => {
    assert.deepEqual(decideLearning(facts()), { train: true });
  });

  it('never while the user types: it asks again when the idle time is reached', () => {
    const d = decideLearning(facts({ lastActivity: 1_000_000 - 10_000 }));
    assert.equal(d.train, false);
    assert.equal(!d.train && d.retryInMs, 20_000);
  });

  it('not when turned off, paused, without a folder, before the model loads or while already learning', () => {
    for (const over of [
      { enabled: false },
      { paused: true },
      { hasWorkspace: false },
      { engineReady: false },
      { training: true },
    ]) {
      const d = decideLearning(facts(over));
      assert.equal(d.train, false, JSON.stringify(over));
      assert.equal(!d.train && d.retryInMs, undefined, 'waits for a change, not a timer');
    }
  });

  it('waits on battery and checks again later', () => {
    const d = decideLearning(facts({ onBattery: true }));
    assert.ok(!d.train && d.reason.includes('battery') && (d.retryInMs ?? 0) > 0);
  });

  it('relearns only after changes, and not more often than the minimum interval', () => {
    assert.equal(decideLearning(facts({ hasModel: true, changesSinceTraining: 0, lastTrained: 0 })).train, false);
    const soon = decideLearning(facts({ hasModel: true, changesSinceTraining: 3, lastTrained: 1_000_000 - 100_000 }));
    assert.ok(!soon.train && soon.retryInMs === 500_000);
    assert.equal(decideLearning(facts({ hasModel: true, changesSinceTraining: 3, lastTrained: 0 })).train, true);
  });

  it('backs off after a failed run', () => {
    const d = decideLearning(facts({ lastFailure: 1_000_000 - 60_000 }));
    assert.ok(!d.train && d.retryInMs === 240_000);
  });
});

describe('the learning scheduler', () => {
  const make = (over: { onBattery?: boolean; paused?: () => boolean } = {}) => {
    const time = fakeTime();
    const log: string[] = [];
    let finish: (() => void) | undefined;
    let hasModel = false;
    const scheduler = new LearningScheduler({
      facts: () => ({
        enabled: true,
        paused: over.paused?.() ?? false,
        hasWorkspace: true,
        engineReady: true,
        hasModel,
        changesSinceTraining: 0,
        lastTrained: undefined,
        minIntervalMs: 600_000,
        lastFailure: undefined,
        retryAfterFailureMs: 300_000,
      }),
      idleMs: () => 30_000,
      onBattery: async () => over.onBattery ?? false,
      train: () =>
        new Promise<void>((resolve) => {
          log.push(`train@${time.now()}`);
          finish = () => {
            hasModel = true;
            resolve();
          };
        }),
      holdRun: () => log.push(`hold@${time.now()}`),
      resumeRun: (share) => log.push(`resume@${time.now()}x${share}`),
      cpuShare: () => 0.5,
      now: time.now,
      timers: time.timers,
    });
    return { scheduler, time, log, finish: () => finish?.() };
  };

  it('starts after the idle time at full speed, holds the run while the user types, goes on at the CPU share after a moment and at full speed once idle', async () => {
    const { scheduler, time, log, finish } = make();
    await scheduler.poke();
    await time.advance(29_000);
    assert.deepEqual(log, []);
    await time.advance(1_000);
    assert.deepEqual(log, ['train@30000']);
    assert.equal(scheduler.training, true);
    assert.equal(scheduler.shareNow(), 1, 'idle: all of it');
    await time.advance(5_000);
    scheduler.activity(); // typing
    assert.deepEqual(log, ['train@30000', 'hold@35000'], 'held at the keystroke');
    await time.advance(1_000);
    scheduler.activity();
    await time.advance(1_999);
    assert.deepEqual(log, ['train@30000', 'hold@35000']);
    await time.advance(1);
    assert.deepEqual(log, ['train@30000', 'hold@35000', 'resume@38000x0.5'], 'two quiet seconds: the CPU share');
    await time.advance(28_000);
    assert.deepEqual(
      log,
      ['train@30000', 'hold@35000', 'resume@38000x0.5', 'resume@66000x1'],
      'idle again: full speed',
    );
    finish();
    await time.advance(1_000_000);
    assert.equal(scheduler.training, false);
    assert.equal([...log].filter((l: string) => l.startsWith('train')).length, 1, 'nothing new to learn afterwards');
    scheduler.dispose();
  });

  it('typing before the idle time pushes the start back', async () => {
    const { scheduler, time, log } = make();
    await scheduler.poke();
    await time.advance(20_000);
    scheduler.activity();
    await time.advance(20_000);
    assert.deepEqual(log, []);
    await time.advance(10_000);
    assert.deepEqual(log, ['train@50000']);
    scheduler.dispose();
  });

  it('does not start on battery, and does while paused only through "Train Now"', async () => {
    const battery = make({ onBattery: true });
    await battery.scheduler.poke();
    await battery.time.advance(120_000);
    assert.deepEqual(battery.log, []);
    battery.scheduler.dispose();

    const paused = make({ paused: () => true });
    await paused.scheduler.poke();
    await paused.time.advance(120_000);
    assert.deepEqual(paused.log, []);
    void paused.scheduler.runNow();
    assert.deepEqual(paused.log, ['train@120000']);
    paused.scheduler.dispose();
  });
});

describe('where the personal model is stored', () => {
  it('gets one folder per workspace, named by a hash of its folders in any order', () => {
    const key = workspaceKey(['/home/a/shop', '/home/a/lib']);
    assert.match(key, /^[0-9a-f]{16}$/);
    assert.equal(workspaceKey(['/home/a/lib/', '/home/a/shop']), key);
    assert.notEqual(workspaceKey(['/home/a/shop']), key);
    const file = personalModelFile('/store', ['/home/a/shop']);
    assert.equal(file, path.join('/store', workspaceKey(['/home/a/shop']), 'personal.ondi'));
    assert.ok(!file.includes('shop'), 'no path in the folder name');
  });

  const adapterFor = async (file: string, modelId = 'base-1') =>
    writeAdapterFile(file, {
      modelId,
      adapter: new LowRankAdapter({ hidden: 4, rank: 2, vocab: 8 }),
      tokens: Uint16Array.from([1, 2, 3]),
      meta: { trainedAt: '2020-01-01T00:00:00.000Z' },
    });

  it('loads a good file, reports none when there is none', async () => {
    const dir = await tmp();
    const file = personalModelFile(dir, ['/w']);
    assert.deepEqual(await loadPersonalModel(file, 'base-1'), { kind: 'none' });
    await adapterFor(file);
    const loaded = await loadPersonalModel(file, 'base-1');
    assert.equal(loaded.kind, 'loaded');
    assert.deepEqual(loaded.kind === 'loaded' && Array.from(loaded.contents.tokens), [1, 2, 3]);
  });

  it('discards (deletes) a damaged file or one for another base model, with the reason', async () => {
    const dir = await tmp();
    const file = personalModelFile(dir, ['/w']);
    await adapterFor(file, 'other-weights');
    const foreign = await loadPersonalModel(file, 'base-1');
    assert.deepEqual(foreign, { kind: 'discarded', reason: 'the personal model was trained for another base model' });
    await assert.rejects(fs.access(file));

    await adapterFor(file);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    await fs.writeFile(file, bytes);
    const damaged = await loadPersonalModel(file, 'base-1');
    assert.equal(damaged.kind, 'discarded');
    assert.match(damaged.kind === 'discarded' ? damaged.reason : '', /damaged/);

    await fs.writeFile(file, 'hello');
    assert.equal((await loadPersonalModel(file, 'base-1')).kind, 'discarded');
    assert.deepEqual(await loadPersonalModel(file, 'base-1'), { kind: 'none' });
  });

  it('reads what a file learned from, also from files `ondi adapt` wrote', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'cli.ondi');
    await writeAdapterFile(file, {
      modelId: 'base-1',
      adapter: new LowRankAdapter({ hidden: 4, rank: 8, vocab: 8 }),
      tokens: Uint16Array.from([1, 2, 3, 4]),
      meta: { files: 12, redactions: 1, createdAt: '2026-01-01T00:00:00.000Z', sampling: 'newest first' },
    });
    const loaded = await loadPersonalModel(file, 'base-1');
    assert.ok(loaded.kind === 'loaded');
    const meta = learnedMetaOf(loaded.contents);
    assert.deepEqual(
      { ...meta, loss: String(meta.loss) },
      {
        trainedAt: '2026-01-01T00:00:00.000Z',
        seconds: 0,
        loss: 'NaN',
        tokens: 4,
        files: 12,
        fileList: [],
        recentEdits: 0,
        redactions: 1,
        rank: 8,
        sampling: 'newest first',
      },
    );
    const text = formatLearnedReport({
      meta,
      file,
      fileBytes: 10,
      learning: 'on',
      problem: undefined,
      lift: undefined,
      liftNote: undefined,
      now: new Date(),
    });
    assert.match(text, /Learned from: 12 files and 0 recent edits, 4 tokens/);
    assert.ok(!text.includes('NaN') && !text.includes('undefined'), text);
  });

  it('clears temporary files of dead writers, keeps those of live ones, and reset deletes everything', async () => {
    const dir = await tmp();
    const file = personalModelFile(dir, ['/w']);
    await adapterFor(file);
    const dead = `${file}.999999999.1.tmp`;
    const live = `${file}.${process.pid}.2.tmp`;
    await fs.writeFile(dead, 'x');
    await fs.writeFile(live, 'x');
    assert.equal(await clearLeftovers(file), 1);
    await assert.rejects(fs.access(dead));
    await fs.access(live);
    await deletePersonalModel(file);
    await assert.rejects(fs.access(path.dirname(file)));
    await fs.access(dir);
  });
});

describe('battery detection', () => {
  const supply = async (root: string, name: string, fields: Record<string, string>) => {
    await fs.mkdir(path.join(root, name), { recursive: true });
    for (const [k, v] of Object.entries(fields)) await fs.writeFile(path.join(root, name, k), `${v}\n`);
  };

  it('reads Linux power supplies: discharging with no mains online is battery', async () => {
    const root = await tmp();
    await supply(root, 'AC', { type: 'Mains', online: '0' });
    await supply(root, 'BAT0', { type: 'Battery', status: 'Discharging' });
    assert.equal(await onBatteryPower('linux', root), true);
    await supply(root, 'AC', { type: 'Mains', online: '1' });
    assert.equal(await onBatteryPower('linux', root), false);
  });

  it('says no when it cannot tell (desktops, other platforms, no sysfs)', async () => {
    const root = await tmp();
    assert.equal(await onBatteryPower('linux', root), false);
    assert.equal(await onBatteryPower('linux', path.join(root, 'missing')), false);
    await supply(root, 'BAT0', { type: 'Battery', status: 'Discharging' });
    assert.equal(await onBatteryPower('darwin', root), false);
  });
});

describe('what the worker may learn from', () => {
  it('follows .gitignore files (nested ones and negations) and .git/info/exclude', async () => {
    const root = await tmp();
    await fs.mkdir(path.join(root, 'gen', 'keep'), { recursive: true });
    await fs.mkdir(path.join(root, 'src', 'vendor'), { recursive: true });
    await fs.mkdir(path.join(root, '.git', 'info'), { recursive: true });
    await fs.writeFile(path.join(root, '.gitignore'), 'gen/\n*.local.ts\n');
    await fs.writeFile(path.join(root, 'src', '.gitignore'), 'vendor/\n!important.local.ts\n');
    await fs.writeFile(path.join(root, '.git', 'info', 'exclude'), 'scratch.ts\n');
    const ignored = await loadGitignore(root);
    const at = (...p: string[]) => path.join(root, ...p);
    assert.equal(ignored(at('src', 'app.ts')), false);
    assert.equal(ignored(at('gen', 'keep', 'x.ts')), true);
    assert.equal(ignored(at('src', 'vendor', 'lib.ts')), true);
    assert.equal(ignored(at('src', 'my.local.ts')), true);
    assert.equal(ignored(at('src', 'important.local.ts')), false, 'negated in the deeper file');
    assert.equal(ignored(at('scratch.ts')), true);
    assert.equal(ignored(path.join(os.tmpdir(), 'elsewhere.ts')), false);
  });

  it('collects every folder newest first, without ignored, excluded or secret files', async () => {
    const a = await tmp();
    const b = await tmp();
    await fs.mkdir(path.join(a, 'src'));
    await fs.writeFile(path.join(a, '.gitignore'), 'build.ts\n');
    await fs.writeFile(path.join(a, 'src', 'old.ts'), 'export const old = 1;\n');
    await fs.writeFile(path.join(a, 'build.ts'), 'export const built = 1;\n');
    await fs.writeFile(path.join(a, 'src', 'skip.gen.ts'), 'export const gen = 1;\n');
    await fs.writeFile(path.join(a, '.env'), 'API_TOKEN=supersecretvalue123\n');
    await fs.writeFile(path.join(b, 'secrets.ts'), 'export const s = 1;\n');
    await fs.writeFile(path.join(b, 'new.ts'), 'const t = "supersecretvalue123";\n');
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(path.join(a, 'src', 'old.ts'), past, past);
    const ws = await collectWorkspace({ folders: [a, b], excludeGlobs: ['**/*.gen.ts'], respectGitignore: true });
    assert.deepEqual(
      ws.sources.map((s) => s.label),
      [`${path.basename(b)}/new.ts`, `${path.basename(a)}/src/old.ts`],
    );
    const { documents } = await ws.read(ws.sources);
    assert.equal(documents.length, 2);
    assert.ok(!documents.some((d) => d.text.includes('supersecretvalue123')), 'the .env value is redacted');
    assert.ok(ws.secrets.includes('supersecretvalue123'));
    assert.equal(ws.allowed(path.join(a, 'src', 'x.ts')), true);
    assert.equal(ws.allowed(path.join(a, 'build.ts')), false);
    assert.equal(ws.allowed(path.join(a, '.env')), false);
    assert.equal(ws.allowed(path.join(os.tmpdir(), 'outside.ts')), false);
  });

  it('learns the other folders when one workspace folder is gone, with one log line', async () => {
    const a = await tmp();
    await fs.writeFile(path.join(a, 'kept.ts'), 'export const kept = 1;\n');
    const gone = path.join(a, 'no-such-folder');
    const log: string[] = [];
    const ws = await collectWorkspace(
      { folders: [gone, a], excludeGlobs: [], respectGitignore: true },
      { log: (m) => log.push(m) },
    );
    assert.deepEqual(
      ws.sources.map((s) => path.basename(s.path)),
      ['kept.ts'],
    );
    assert.equal(log.length, 1);
    assert.match(log[0] ?? '', /skipped folder .*no-such-folder/);
  });
});

describe('what the user sees of learning', () => {
  const meta = {
    trainedAt: '2026-01-02T10:00:00.000Z',
    seconds: 12.5,
    loss: 1.93,
    tokens: 45_210,
    files: 3,
    fileList: ['src/a.ts', 'src/b.ts', 'lib/c.py'],
    recentEdits: 1,
    redactions: 2,
    rank: 16,
    sampling: 'newest first',
  };
  const base = {
    meta,
    file: '/store/abc/personal.ondi',
    fileBytes: 1_234_567,
    learning: 'on',
    problem: undefined,
    lift: undefined,
    liftNote: 'Not measured.',
    now: new Date('2026-01-02T10:05:00.000Z'),
  };

  it('reports files, tokens, last training, the stored file and the measured lift with its basis', () => {
    const text = formatLearnedReport({
      ...base,
      lift: {
        basis: 'unseen',
        files: ['src/new.ts'],
        cases: 12,
        base: { em: 10, es: 40.25 },
        adapted: { em: 25, es: 55.5 },
        seconds: 3.2,
      },
    });
    assert.match(
      text,
      /Learned from: 3 files and 1 recent edit, 45,210 tokens \(2 secret-looking strings redacted first\)/,
    );
    assert.match(text, /Last trained: .*\(5 minutes ago\), taking 12\.5 s/);
    assert.match(text, /`\/store\/abc\/personal\.ondi` \(1\.2 MB\)/);
    assert.match(
      text,
      /12 lines from files the personal model did not learn \(`src\/new\.ts`; every file it learned is left out\)/,
    );
    assert.match(text, /\| base model \| 10\.0% \| 40\.3% \|/);
    assert.match(text, /\| with what Ondi learned \| 25\.0% \| 55\.5% \|/);
    assert.match(text, /\| lift \| \+15\.0 points \| \+15\.3 points \|/);
    assert.match(text, /With only 12 lines these figures are rough/);
    assert.match(text, /- `lib\/c\.py`/);
  });

  it('says when nothing was measured, and when nothing was learned yet', () => {
    assert.match(formatLearnedReport(base), /Not measured\./);
    const none = formatLearnedReport({
      ...base,
      meta: undefined,
      problem: 'the stored personal model was set aside (damaged)',
    });
    assert.match(none, /has not learned anything from this workspace yet/);
    assert.match(none, /> Note: the stored personal model was set aside \(damaged\)/);
  });

  it('shows training progress and a pause on top of "ready", with the sparkle kept', () => {
    const training = presentStatus({
      kind: 'ready',
      detail: 'pruned-int8 model',
      learning: { kind: 'learning', percent: 41.6, held: false },
    });
    assert.equal(training.text, '$(sparkle) Ondi $(sync~spin) 42%');
    assert.match(
      training.tooltip,
      /^Ondi: ready\. pruned-int8 model\. Training your personal model: 42% \(completions keep working\)$/,
    );
    const held = presentStatus({ kind: 'ready', learning: { kind: 'learning', percent: 10, held: true } });
    assert.match(held.text, /debug-pause/);
    assert.match(held.tooltip, /held while you type/);
    const paused = presentStatus({ kind: 'ready', learning: { kind: 'paused' } });
    assert.equal(paused.text, '$(sparkle) Ondi $(debug-pause)');
    assert.match(paused.tooltip, /Learning is paused/);
  });
});
