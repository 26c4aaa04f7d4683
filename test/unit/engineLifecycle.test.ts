import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompletionEngine } from '../../src/core/complete/types';
import {
  DEFAULT_RESTART,
  EngineLifecycle,
  type EngineHandle,
  type RestartPolicy,
} from '../../src/core/engine/lifecycle';
import { createLogger, type LogRecord } from '../../src/core/log';
import { modelEngineLoader } from '../../src/core/engine/modelEngine';
import { describeModel, type OndiState } from '../../src/core/status';

function setup(restart: RestartPolicy = DEFAULT_RESTART) {
  const records: LogRecord[] = [];
  const lifecycle = new EngineLifecycle(
    createLogger(
      (record) => records.push(record),
      () => 'debug',
    ),
    restart,
  );
  const states: OndiState['kind'][] = [];
  lifecycle.onDidChangeState((state) => states.push(state.kind));
  return { lifecycle, records, states };
}

const engine: CompletionEngine = { complete: () => Promise.resolve({ text: 'x', ms: 1 }) };

/** A handle that counts how often it was released. */
function handle(summary?: string): EngineHandle & { released: number } {
  const h = {
    engine,
    released: 0,
    dispose: () => {
      h.released++;
    },
    ...(summary ? { summary } : {}),
  };
  return h;
}

describe('engine lifecycle', () => {
  it('goes from loading to ready, exposes the engine and puts the model summary in the state', async () => {
    const { lifecycle, states } = setup();
    await lifecycle.start(() => Promise.resolve(handle('pruned-int8 model, loaded in 90 ms')));
    assert.deepEqual(states, ['loading', 'ready']);
    assert.equal(lifecycle.engine, engine);
    assert.deepEqual(lifecycle.state, { kind: 'ready', detail: 'pruned-int8 model, loaded in 90 ms' });
  });

  it('turns a failed load into an error state and a log line instead of a rejection', async () => {
    const { lifecycle, records, states } = setup();
    await lifecycle.start(() => Promise.reject(new Error('bad header')));
    assert.deepEqual(states, ['loading', 'error']);
    assert.equal(lifecycle.engine, undefined);
    assert.match(lifecycle.state.kind === 'error' ? lifecycle.state.message : '', /bad header/);
    assert.ok(records.some((record) => record.level === 'error' && record.message.includes('bad header')));
  });

  it('runs one load at a time even when started twice, and releases the model it replaces', async () => {
    const { lifecycle } = setup();
    const loaded: ReturnType<typeof handle>[] = [];
    const load = async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const h = handle();
      loaded.push(h);
      return h;
    };
    await Promise.all([lifecycle.start(load), lifecycle.start(load)]);
    assert.equal(loaded.length, 1);
    await lifecycle.start(load);
    assert.equal(loaded.length, 2);
    assert.deepEqual(
      loaded.map((h) => h.released),
      [1, 0],
    );
  });

  it('releases the model on dispose, once, and offers no engine afterwards', async () => {
    const { lifecycle } = setup();
    const h = handle();
    await lifecycle.start(() => Promise.resolve(h));
    await lifecycle.dispose();
    await lifecycle.dispose();
    assert.equal(h.released, 1);
    assert.equal(lifecycle.engine, undefined);
  });

  it('releases a model that finishes loading after dispose instead of keeping it', async () => {
    const { lifecycle } = setup();
    const h = handle();
    let finish: (value: EngineHandle) => void = () => undefined;
    const started = lifecycle.start(() => new Promise<EngineHandle>((resolve) => (finish = resolve)));
    await lifecycle.dispose();
    finish(h);
    await started;
    assert.equal(h.released, 1);
    assert.equal(lifecycle.engine, undefined);
  });

  it('turns an engine that stops by itself into the error state, logs why and releases it', async () => {
    const { lifecycle, records, states } = setup({ ...DEFAULT_RESTART, maxRestarts: 0 });
    let stop: (error: Error) => void = () => undefined;
    const h = Object.assign(handle('m'), { onDidStop: (listener: (error: Error) => void) => (stop = listener) });
    await lifecycle.start(() => Promise.resolve(h));
    stop(new Error('the completion worker exited (code 1)'));
    assert.deepEqual(states, ['loading', 'ready', 'error']);
    assert.equal(lifecycle.engine, undefined);
    assert.equal(lifecycle.personal, undefined);
    assert.match(
      lifecycle.state.kind === 'error' ? lifecycle.state.message : '',
      /stopped: the completion worker exited \(code 1\)/,
    );
    assert.ok(records.some((r) => r.level === 'error' && r.message.includes('exited (code 1)')));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.released, 1);
    // a late second report, or one after the engine was replaced, changes nothing
    stop(new Error('again'));
    assert.deepEqual(states, ['loading', 'ready', 'error']);
    assert.match(lifecycle.state.kind === 'error' ? lifecycle.state.message : '', /reload the window/);
  });

  it('starts a crashed engine again after a moment, but not one that keeps crashing', async () => {
    const { lifecycle, records, states } = setup({ delayMs: 5, maxRestarts: 2, windowMs: 60_000 });
    const stops: ((error: Error) => void)[] = [];
    const handles: (EngineHandle & { released: number })[] = [];
    const load = (): Promise<EngineHandle> => {
      const h = Object.assign(handle('m'), { onDidStop: (listener: (error: Error) => void) => stops.push(listener) });
      handles.push(h);
      return Promise.resolve(h);
    };
    await lifecycle.start(load);
    for (let crash = 1; crash <= 2; crash++) {
      stops[crash - 1]?.(new Error(`worker exited (code ${crash})`));
      assert.match(lifecycle.state.kind === 'error' ? lifecycle.state.message : '', /starting it again/);
      await eventuallyTrue(() => lifecycle.state.kind === 'ready');
      assert.equal(lifecycle.engine, handles[crash]?.engine);
    }
    assert.deepEqual(states, ['loading', 'ready', 'error', 'loading', 'ready', 'error', 'loading', 'ready']);
    stops[2]?.(new Error('worker exited (code 3)'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(handles.length, 3, 'the third crash in the window is not restarted');
    assert.equal(lifecycle.state.kind, 'error');
    assert.match(lifecycle.state.kind === 'error' ? lifecycle.state.message : '', /keeps stopping/);
    assert.deepEqual(
      handles.map((h) => h.released),
      [1, 1, 1],
    );
    assert.equal(records.filter((r) => r.message.includes('starting the completion engine again')).length, 2);
  });

  it('does not start a crashed engine again once the extension is gone', async () => {
    const { lifecycle } = setup({ delayMs: 5, maxRestarts: 3, windowMs: 60_000 });
    let stop: (error: Error) => void = () => undefined;
    let loads = 0;
    await lifecycle.start(() => {
      loads++;
      return Promise.resolve(
        Object.assign(handle('m'), { onDidStop: (listener: (error: Error) => void) => (stop = listener) }),
      );
    });
    stop(new Error('crash'));
    await lifecycle.dispose();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(loads, 1);
  });

  it('keeps notifying other listeners when one throws', async () => {
    const { lifecycle, states, records } = setup();
    lifecycle.onDidChangeState(() => {
      throw new Error('listener bug');
    });
    await lifecycle.start(() => Promise.resolve(handle()));
    assert.deepEqual(states, ['loading', 'ready']);
    assert.ok(records.some((record) => record.message.includes('listener bug')));
  });

  it('stops notifying a listener once it is disposed', async () => {
    const { lifecycle } = setup();
    const seen: string[] = [];
    const subscription = lifecycle.onDidChangeState((state) => seen.push(state.kind));
    subscription.dispose();
    await lifecycle.start(() => Promise.resolve(handle()));
    assert.deepEqual(seen, []);
  });
});

describe('the model loader the extension uses', function () {
  this.timeout(60000);

  it('ends in the error state, with the folder named, when the model is missing', async () => {
    const { lifecycle } = setup();
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-no-model-'));
    try {
      await lifecycle.start(modelEngineLoader(empty));
      assert.equal(lifecycle.state.kind, 'error');
      assert.match(
        lifecycle.state.kind === 'error' ? lifecycle.state.message : '',
        /no model at .*config\.json is missing/,
      );
      assert.equal(lifecycle.engine, undefined);
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  it('ends in the error state when the ONNX file is corrupt', async () => {
    const { lifecycle } = setup();
    const shipped = path.resolve(__dirname, '../../models/ondi-code');
    const broken = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-bad-model-'));
    try {
      for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
        await fs.copyFile(path.join(shipped, name), path.join(broken, name));
      }
      await fs.mkdir(path.join(broken, 'onnx'));
      await fs.writeFile(path.join(broken, 'onnx/model_quantized.onnx'), 'not a model');
      await lifecycle.start(modelEngineLoader(broken));
      assert.equal(lifecycle.state.kind, 'error');
      assert.equal(lifecycle.engine, undefined);
    } finally {
      await fs.rm(broken, { recursive: true, force: true });
    }
  });

  it('loads the shipped model to ready, with its stage, size and load time in the summary', async () => {
    const { lifecycle } = setup();
    await lifecycle.start(modelEngineLoader(path.resolve(__dirname, '../../models/ondi-code')));
    try {
      assert.equal(lifecycle.state.kind, 'ready');
      const detail = lifecycle.state.kind === 'ready' ? (lifecycle.state.detail ?? '') : '';
      assert.match(detail, /^pruned-int8 model, \d+\.\dM parameters, loaded in \d+ ms$/);
    } finally {
      await lifecycle.dispose();
    }
  });

  it('describes a model in one line', () => {
    assert.equal(
      describeModel('pruned-int8', 10_255_872, 181.6),
      'pruned-int8 model, 10.3M parameters, loaded in 182 ms',
    );
    assert.equal(describeModel('unknown', 0, 5), 'unknown model, loaded in 5 ms');
  });
});

async function eventuallyTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'the condition came true');
}
