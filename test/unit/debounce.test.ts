import * as assert from 'node:assert/strict';
import { waitUnlessAborted } from '../../src/core/complete/debounce';

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
