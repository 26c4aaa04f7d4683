import * as assert from 'node:assert/strict';
import type { CompletionEngine } from '../../src/core/complete/types';
import { EngineLifecycle, NO_MODEL_DETAIL } from '../../src/core/engineLifecycle';
import { createLogger, type LogRecord } from '../../src/core/log';
import type { OndiState } from '../../src/core/status';

function setup() {
  const records: LogRecord[] = [];
  const lifecycle = new EngineLifecycle(createLogger((record) => records.push(record), () => 'debug'));
  const states: OndiState['kind'][] = [];
  lifecycle.onDidChangeState((state) => states.push(state.kind));
  return { lifecycle, records, states };
}

const engine: CompletionEngine = { complete: () => Promise.resolve({ text: 'x', ms: 1 }) };

describe('engine lifecycle', () => {
  it('goes from loading to ready and exposes the loaded engine', async () => {
    const { lifecycle, states } = setup();
    await lifecycle.start(() => Promise.resolve(engine));
    assert.deepEqual(states, ['loading', 'ready']);
    assert.equal(lifecycle.engine, engine);
    assert.deepEqual(lifecycle.state, { kind: 'ready' });
  });

  it('is ready without an engine, and says so, when no model is installed', async () => {
    const { lifecycle } = setup();
    await lifecycle.start(() => Promise.resolve(undefined));
    assert.equal(lifecycle.engine, undefined);
    assert.deepEqual(lifecycle.state, { kind: 'ready', detail: NO_MODEL_DETAIL });
  });

  it('turns a failed load into an error state and a log line instead of a rejection', async () => {
    const { lifecycle, records, states } = setup();
    await lifecycle.start(() => Promise.reject(new Error('bad header')));
    assert.deepEqual(states, ['loading', 'error']);
    assert.match(lifecycle.state.kind === 'error' ? lifecycle.state.message : '', /bad header/);
    assert.ok(records.some((record) => record.level === 'error' && record.message.includes('bad header')));
  });

  it('runs one load at a time even when started twice', async () => {
    const { lifecycle } = setup();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return engine;
    };
    await Promise.all([lifecycle.start(load), lifecycle.start(load)]);
    assert.equal(loads, 1);
    await lifecycle.start(load);
    assert.equal(loads, 2);
  });

  it('keeps notifying other listeners when one throws', async () => {
    const { lifecycle, states, records } = setup();
    lifecycle.onDidChangeState(() => {
      throw new Error('listener bug');
    });
    await lifecycle.start(() => Promise.resolve(engine));
    assert.deepEqual(states, ['loading', 'ready']);
    assert.ok(records.some((record) => record.message.includes('listener bug')));
  });

  it('stops notifying a listener once it is disposed', async () => {
    const { lifecycle } = setup();
    const seen: string[] = [];
    const subscription = lifecycle.onDidChangeState((state) => seen.push(state.kind));
    subscription.dispose();
    await lifecycle.start(() => Promise.resolve(engine));
    assert.deepEqual(seen, []);
  });
});
