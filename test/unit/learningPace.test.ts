import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { ControlCheckpoint, LearningControl } from '../../src/core/adapt/learningControl';
import { describeTimeLeft, LearningEstimate, shortDuration } from '../../src/core/adapt/learningEstimate';
import { describeLearned, describeProgress, withTimeLeft } from '../../src/core/adapt/learningMessages';
import { learningPace, RESUME_AFTER_QUIET_MS } from '../../src/core/adapt/learningPace';
import { presentStatus, type OndiState } from '../../src/core/status';

describe('how fast learning may go', () => {
  it('holds while the user types, uses the CPU share after a moment of quiet and all of it once idle', () => {
    assert.deepEqual(learningPace(0, 30_000, 0.5), { kind: 'hold' });
    assert.deepEqual(learningPace(RESUME_AFTER_QUIET_MS - 1, 30_000, 0.5), { kind: 'hold' });
    assert.deepEqual(learningPace(RESUME_AFTER_QUIET_MS, 30_000, 0.5), { kind: 'run', cpuShare: 0.5 });
    assert.deepEqual(learningPace(29_999, 30_000, 0.3), { kind: 'run', cpuShare: 0.3 });
    assert.deepEqual(learningPace(30_000, 30_000, 0.3), { kind: 'run', cpuShare: 1 });
  });

  it('throttles a share of one core: work on two threads sleeps twice as long, a share of 1 not at all', () => {
    let now = 0;
    const control = new LearningControl();
    const sleeps: number[] = [];
    for (const [share, threads] of [
      [0.5, 1],
      [0.5, 2],
      [1, 2],
    ] as const) {
      control.setCpuShare(share);
      const checkpoint = new ControlCheckpoint(control, { now: () => now, threads });
      now += 20; // 20 ms of work
      const before = performance.now();
      assert.equal(checkpoint.between(), true);
      sleeps.push(performance.now() - before);
    }
    // the fake clock does not move while asleep, so `slept` is 0; the real sleeps are measured
    assert.ok(sleeps[0]! >= 15 && sleeps[0]! < 300, `20 ms at 0.5 of one thread: ${sleeps[0]} ms asleep`);
    assert.ok(sleeps[1]! >= 55 && sleeps[1]! < 400, `20 ms at 0.5 with two threads: ${sleeps[1]} ms asleep`);
    assert.ok(sleeps[2]! < 15, `no throttle at a share of 1: ${sleeps[2]} ms`);
  });

  it('reports how long after the pause request the worker held, across threads', async () => {
    const control = new LearningControl();
    const held: number[] = [];
    // the editor's side, in another thread: pause, then abort 200 ms later
    const other = new Worker(
      `require('tsx/cjs');
       const { LearningControl } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/adapt/learningControl.ts'))});
       const { workerData } = require('node:worker_threads');
       const control = new LearningControl(workerData);
       control.pause();
       setTimeout(() => control.abort(), 200);`,
      { eval: true, workerData: control.buffer },
    );
    try {
      const checkpoint = new ControlCheckpoint(control, { onHold: (ms) => held.push(ms) });
      const deadline = performance.now() + 5_000;
      // 30 ms units of work until the checkpoint holds (and then returns false at the abort)
      let going = true;
      while (going && performance.now() < deadline) {
        const until = performance.now() + 30;
        while (performance.now() < until) {
          // work
        }
        going = checkpoint.between();
      }
      assert.equal(going, false, 'aborted while held');
      assert.equal(held.length, 1);
      assert.ok(held[0]! >= 0 && held[0]! < 150, `held ${held[0]} ms after the request (one unit is 30 ms)`);
      assert.ok(control.pausedAt !== undefined && control.pausedAt <= Date.now());
    } finally {
      await other.terminate();
    }
  });

  it('a control buffer of the former size still works, without the pause time', () => {
    const control = new LearningControl(new SharedArrayBuffer(8));
    control.pause();
    assert.equal(control.state, 'pause');
    assert.equal(control.pausedAt, undefined);
  });
});

describe('the time left of a training', () => {
  it('says nothing at first, then extrapolates the rate of the running time', () => {
    let now = 0;
    const estimate = new LearningEstimate(() => now);
    assert.equal(estimate.secondsLeft(), undefined);
    now = 5_000; // reading files and loading the model
    estimate.progress(0);
    now = 5_500;
    estimate.progress(0.01);
    assert.equal(estimate.secondsLeft(), undefined, 'too little known');
    now = 15_000;
    estimate.progress(0.2); // 20% in 10 s of learning
    assert.ok(Math.abs(estimate.secondsLeft()! - 40) < 0.5, `${estimate.secondsLeft()}`);
    now = 20_000; // no event for 5 s: the estimate counts down
    assert.ok(Math.abs(estimate.secondsLeft()! - 35) < 0.5, `${estimate.secondsLeft()}`);
  });

  it('does not count time held while the user types', () => {
    let now = 0;
    const estimate = new LearningEstimate(() => now);
    estimate.progress(0);
    now = 10_000;
    estimate.progress(0.25);
    estimate.held(true);
    now = 70_000; // a minute of typing
    estimate.held(false);
    now = 80_000;
    estimate.progress(0.5);
    assert.ok(Math.abs(estimate.secondsLeft()! - 20) < 0.5, `${estimate.secondsLeft()}`);
  });

  it('follows a faster pace within the rate window', () => {
    let now = 0;
    const fresh = new LearningEstimate(() => now);
    now = 0;
    fresh.progress(0);
    for (let s = 1; s <= 40; s++) {
      now = s * 1000;
      fresh.progress(s / 200); // 0.5%/s
    }
    for (let s = 1; s <= 20; s++) {
      now = 40_000 + s * 1000;
      fresh.progress(0.2 + (2 * s) / 100); // 2%/s
    }
    // 40% left at 2%/s is 20 s; at the whole run's mean rate it would be about 33 s
    assert.ok(Math.abs(fresh.secondsLeft()! - 20) < 2, `${fresh.secondsLeft()}`);
  });

  it('words the time left for a notification and the status bar', () => {
    assert.equal(describeTimeLeft(3), 'less than 5 s left');
    assert.equal(describeTimeLeft(42), 'about 40 s left');
    assert.equal(describeTimeLeft(75), 'about 75 s left');
    assert.equal(describeTimeLeft(150), 'about 3 min left');
    assert.equal(shortDuration(7), '5 s');
  });
});

describe('what the user is told about learning', () => {
  it('says what was learned in one short sentence', () => {
    const done = describeLearned({ tokens: 100_000, files: 12, recentEdits: 0 }, 58.4);
    assert.equal(done, 'Learned 100,000 tokens from 12 files in 58 s.');
    assert.equal(
      describeLearned({ tokens: 812, files: 1, recentEdits: 1 }, 2),
      'Learned 812 tokens from 1 file and 1 edit in 2 s.',
    );
    // with the sentence the notification adds, it fits before VS Code cuts a toast
    assert.ok(`${done} Completions use it now.`.length <= 80);
  });

  it('shows tokens done and the time left, or that it is held', () => {
    const progress = { tokensDone: 42_000, tokensTotal: 100_000, secondsLeft: 36, lastHoldMs: undefined, held: false };
    assert.equal(describeProgress(undefined), 'reading files and loading the model…');
    assert.equal(describeProgress(progress), '42,000 of 100,000 tokens, about 35 s left');
    assert.equal(describeProgress({ ...progress, held: true }), '42,000 of 100,000 tokens, paused while you type');
    assert.equal(describeProgress({ ...progress, secondsLeft: undefined }), '42,000 of 100,000 tokens');
  });

  it('puts the time left in the status bar next to the percent', () => {
    const state: OndiState = {
      kind: 'ready',
      learning: { kind: 'learning', percent: 42, held: false, secondsLeft: 36 },
    };
    const shown = withTimeLeft(state, presentStatus(state));
    assert.equal(shown.text, '$(sparkle) Ondi $(sync~spin) 42% · 35 s');
    assert.match(shown.tooltip, /Training your personal model: 42%, about 35 s left/);
    const unknown: OndiState = { kind: 'ready', learning: { kind: 'learning', percent: 1, held: false } };
    assert.deepEqual(withTimeLeft(unknown, presentStatus(unknown)), presentStatus(unknown));
  });
});
