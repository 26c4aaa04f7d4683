import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { LearningControl } from '../../src/core/adapt/learningControl';
import { liftRecordFile } from '../../src/core/adapt/liftRecord';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { PersonalSession, type PersonalSessionDeps } from '../../src/core/adapt/personalSession';
import { LearningCancelledError } from '../../src/core/adapt/workerClient';
import type { LearnedMeta, LiftResult, MeasureJob, TrainJob } from '../../src/core/adapt/workerProtocol';
import { DEFAULT_CONFIG, type OndiConfig } from '../../src/core/config';
import type { PersonalSlot } from '../../src/core/engine/lifecycle';
import type { Logger } from '../../src/core/log';
import { configUnderTrust } from '../../src/core/workspaceTrust';
import { fakeTime } from './fixtures/fakeTime';
import { tempFolder } from './fixtures/tempFolder';

const IDLE_MS = DEFAULT_CONFIG['learning.idleSeconds'] * 1000;

/** Lets promise chains and the file reads they wait on run (real time, a few milliseconds). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await settle();
  }
}

interface TrainCall {
  readonly job: Omit<TrainJob, 'control'>;
  readonly control: LearningControl;
  succeed(): Promise<LearnedMeta>;
  fail(message: string): void;
}

/** A session on a temporary storage folder, with an engine slot, the worker jobs and time faked. */
async function makeSession(over: { config?: () => OndiConfig } = {}) {
  const storage = await tempFolder('ondi-session-');
  const time = fakeTime({ start: 1_000_000, settle });
  const applied: (string | undefined)[] = [];
  const trains: TrainCall[] = [];
  const measures: Omit<MeasureJob, 'control'>[] = [];
  const logs: string[] = [];
  let paused = false;
  const slot: PersonalSlot = {
    modelId: 'base-1',
    shape: { hidden: 4, vocab: 8 },
    apply: (file) => {
      applied.push(file);
      return Promise.resolve();
    },
  };
  const log: Logger = {
    error: (m) => logs.push(`error ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    info: (m) => logs.push(`info ${m}`),
    debug: () => undefined,
  };
  const lift: LiftResult = {
    basis: 'unseen',
    files: ['src/new.ts'],
    cases: 24,
    base: { em: 10, es: 40 },
    adapted: { em: 20, es: 50 },
    seconds: 1,
  };
  const jobs: NonNullable<PersonalSessionDeps['jobs']> = {
    train: (_script, job, options = {}) => {
      const control = new LearningControl();
      let settle: { resolve: (m: LearnedMeta) => void; reject: (e: Error) => void } | undefined;
      const result = new Promise<LearnedMeta>((resolve, reject) => (settle = { resolve, reject }));
      options.signal?.addEventListener('abort', () => settle?.reject(new LearningCancelledError('stopped')));
      trains.push({
        job,
        control,
        succeed: async () => {
          const meta = learned(new Date(time.now()).toISOString());
          await writeAdapterFile(job.outFile, {
            modelId: 'base-1',
            adapter: new LowRankAdapter({ hidden: 4, rank: 2, vocab: 8 }),
            tokens: Uint16Array.from([1, 2, 3]),
            meta: { ...meta },
          });
          settle?.resolve(meta);
          return meta;
        },
        fail: (message) => settle?.reject(new Error(message)),
      });
      return { result, control };
    },
    measure: (_script, job) => {
      measures.push(job);
      return { result: Promise.resolve(lift), control: new LearningControl() };
    },
  };
  const session = new PersonalSession({
    storageFolder: () => storage,
    folders: () => ['/work/shop'],
    hiddenGlobs: () => ['**/generated/**'],
    config: over.config ?? (() => DEFAULT_CONFIG),
    log,
    engine: { personal: slot, onDidChangeState: () => ({ dispose: () => undefined }) },
    modelFolder: '/models/ondi-code',
    worker: { file: '/dist/adaptWorker.js' },
    paused: {
      get: () => paused,
      set: (value) => {
        paused = value;
        return Promise.resolve();
      },
    },
    recentEdits: { snapshot: () => Promise.resolve([]), clear: () => undefined },
    notify: (message) => logs.push(`notify ${message}`),
    onBattery: () => Promise.resolve(false),
    now: time.now,
    timers: time.timers,
    jobs,
  });
  await settle();
  return { session, time, applied, trains, measures, logs, lift };
}

function learned(trainedAt: string): LearnedMeta {
  return {
    trainedAt,
    seconds: 1,
    loss: 2,
    tokens: 3,
    files: 1,
    fileList: ['src/a.ts'],
    recentEdits: 0,
    redactions: 0,
    rank: 2,
    sampling: 'newest first',
  };
}

describe('the personal session', () => {
  it('learns once the editor has been idle, typing pushes the start back, and the result is applied', async () => {
    const { session, time, applied, trains } = await makeSession();
    await time.advance(IDLE_MS - 5_000);
    session.activity();
    await time.advance(IDLE_MS - 1_000);
    assert.equal(trains.length, 0, 'not while the user types');
    await time.advance(1_000);
    await until(() => trains.length === 1, 'a training starts');
    const [run] = trains;
    assert.ok(run);
    assert.equal(session.status.training, true);
    assert.deepEqual(run.job.excludeGlobs, [...DEFAULT_CONFIG.disabledGlobs, '**/generated/**']);
    assert.equal(run.job.outFile, session.file);
    const meta = await run.succeed();
    await until(() => session.status.applied, 'the trained model is applied');
    assert.deepEqual(session.status.meta?.trainedAt, meta.trainedAt);
    assert.equal(session.status.training, false);
    assert.equal(applied.at(-1), session.file, 'the engine got the file');
    await session.dispose();
  });

  it('holds a run while the user types, and pause stops it and learns nothing more until resumed', async () => {
    const { session, time, trains } = await makeSession();
    await time.advance(IDLE_MS);
    await until(() => trains.length === 1, 'a training starts');
    session.activity();
    assert.equal(trains[0]?.control.state, 'pause', 'held while typing');
    assert.equal(session.status.training, true);
    await session.pause();
    assert.equal(session.status.paused, true);
    assert.equal(session.status.training, false, 'the run was stopped');
    assert.equal(session.status.meta, undefined);
    await time.advance(10 * IDLE_MS);
    assert.equal(trains.length, 1, 'nothing while paused');
    await session.resume();
    await time.advance(IDLE_MS);
    await until(() => trains.length === 2, 'learning goes on after resume');
    await session.dispose();
  });

  it('measures the lift of the model in use and keeps it next to the model', async () => {
    const { session, time, trains, measures, lift } = await makeSession();
    await assert.rejects(
      session.measureLift(new AbortController().signal, () => undefined),
      /has not learned/,
    );
    await time.advance(IDLE_MS);
    await until(() => trains.length === 1, 'a training starts');
    const meta = await trains[0]!.succeed();
    await until(() => session.status.applied, 'applied');
    const measured = await session.measureLift(new AbortController().signal, () => undefined);
    assert.deepEqual(measured, lift);
    assert.equal(measures[0]?.adapterFile, session.file);
    assert.deepEqual(session.status.lift?.lift, lift);
    assert.equal(session.status.lift?.trainedAt, meta.trainedAt);
    const file = session.file;
    assert.ok(file);
    const stored = JSON.parse(await fs.readFile(liftRecordFile(file), 'utf8')) as { trainedAt: string };
    assert.equal(stored.trainedAt, meta.trainedAt);
    await session.dispose();
  });

  it('keeps the previous model when a training fails, and says why', async () => {
    const { session, time, trains, applied } = await makeSession();
    await time.advance(IDLE_MS);
    await until(() => trains.length === 1, 'a training starts');
    const first = await trains[0]!.succeed();
    await until(() => session.status.applied, 'applied');
    const file = session.file;
    assert.ok(file);
    const before = await fs.readFile(file);
    const appliedBefore = applied.length;
    const again = session.trainNow();
    await until(() => trains.length === 2, 'the second training starts');
    trains[1]!.fail('out of memory');
    assert.equal(await again, undefined, 'nothing new was learned');
    assert.equal(session.status.meta?.trainedAt, first.trainedAt);
    assert.equal(session.status.applied, true);
    assert.match(session.status.problem ?? '', /the last training failed: out of memory/);
    assert.deepEqual(await fs.readFile(file), before, 'the stored model is untouched');
    assert.equal(applied.length, appliedBefore, 'the engine keeps what it had');
    await session.dispose();
  });

  it('learns nothing in Restricted Mode', async () => {
    const { session, time, trains, logs } = await makeSession({
      config: () => configUnderTrust(DEFAULT_CONFIG, false),
    });
    session.sourceSaved();
    await time.advance(100 * IDLE_MS);
    assert.equal(trains.length, 0);
    assert.equal(session.status.meta, undefined);
    assert.equal(session.status.lastDecision, 'learning is turned off (ondi.learning.enabled)');
    assert.equal(session.describeLearning(), 'off (ondi.learning.enabled)');
    const file = session.file;
    assert.ok(file);
    await assert.rejects(fs.access(file), 'no personal model file');
    assert.ok(!logs.some((l) => l.includes('learning this workspace')));
    await session.dispose();
  });
});
