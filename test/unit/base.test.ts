import * as assert from 'node:assert/strict';
import { Emitter } from '../../src/core/base/emitter';
import { SerialQueue } from '../../src/core/base/serialQueue';

describe('SerialQueue', () => {
  it('runs tasks one at a time in call order', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([queue.run(task('a', 20)), queue.run(task('b', 1)), queue.run(task('c', 5))]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('gives a failed task its error and still runs the next one', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(() => 'after');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'after');
  });

  it('idle waits for every queued task and does not reject', async () => {
    const queue = new SerialQueue();
    let done = false;
    void queue.run(() => Promise.reject(new Error('ignored'))).catch(() => undefined);
    void queue.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      done = true;
    });
    await queue.idle();
    assert.equal(done, true);
  });
});

describe('Emitter', () => {
  it('calls every listener in order and reports a throwing one without stopping the others', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((error) => errors.push(error));
    const heard: string[] = [];
    emitter.listen((n) => heard.push(`first ${n}`));
    emitter.listen(() => {
      throw new Error('listener failed');
    });
    emitter.listen((n) => heard.push(`third ${n}`));
    emitter.fire(7);
    assert.deepEqual(heard, ['first 7', 'third 7']);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /listener failed/);
  });

  it('stops calling a disposed listener, and all of them after dispose', () => {
    const emitter = new Emitter(() => undefined);
    let a = 0;
    let b = 0;
    const first = emitter.listen(() => a++);
    emitter.listen(() => b++);
    emitter.fire();
    first.dispose();
    emitter.fire();
    emitter.dispose();
    emitter.fire();
    assert.deepEqual([a, b], [1, 2]);
  });
});
