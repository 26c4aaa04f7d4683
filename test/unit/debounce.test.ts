import * as assert from 'node:assert/strict';
import { TypingCadence, waitUnlessAborted } from '../../src/core/complete/debounce';

describe('debounce', () => {
  it('resolves true once the wait has run out', async () => {
    const started = Date.now();
    assert.equal(await waitUnlessAborted(30, new AbortController().signal), true);
    assert.ok(Date.now() - started >= 25);
  });

  it('resolves false as soon as the request is cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = waitUnlessAborted(10_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    assert.equal(await waiting, false);
    assert.ok(Date.now() - started < 5_000);
  });

  it('does not wait at all for an already cancelled request or a zero delay', async () => {
    const controller = new AbortController();
    controller.abort();
    assert.equal(await waitUnlessAborted(10_000, controller.signal), false);
    assert.equal(await waitUnlessAborted(0, new AbortController().signal), true);
  });
});

describe('typing cadence (adaptive debounce)', () => {
  const typeAt = (cadence: TypingCadence, gapMs: number, keys: number, configured = 75): number[] => {
    const waits: number[] = [];
    for (let k = 0, t = 0; k < keys; k++, t += gapMs) waits.push(cadence.delay(t, configured));
    return waits;
  };

  it('uses the configured wait until it has seen a few keystrokes', () => {
    const waits = typeAt(new TypingCadence(), 40, 3);
    assert.deepEqual(waits, [75, 75, 75]);
  });

  it("waits a little longer than a fast typist's usual gap, less than configured", () => {
    const waits = typeAt(new TypingCadence(), 40, 10);
    assert.equal(waits[waits.length - 1], 50);
  });

  it('answers a slow typist at once, since the next key would not come within the wait anyway', () => {
    const waits = typeAt(new TypingCadence(), 300, 10);
    assert.equal(waits[waits.length - 1], 0);
  });

  it('ignores pauses and repeated triggers of one keystroke when reading the cadence', () => {
    const cadence = new TypingCadence();
    typeAt(cadence, 40, 6);
    cadence.delay(10_000, 75);
    cadence.delay(10_002, 75);
    assert.equal(cadence.medianGap(), 40);
  });

  it('never waits when the configured wait is zero', () => {
    assert.deepEqual(typeAt(new TypingCadence(), 40, 6, 0), [0, 0, 0, 0, 0, 0]);
  });
});
