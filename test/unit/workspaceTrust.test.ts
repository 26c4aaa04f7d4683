import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../src/core/config';
import { configUnderTrust, mayLearnFromWorkspace, stepRefusal } from '../../src/core/workspaceTrust';

describe('workspace trust', () => {
  it('turns learning off in a restricted window and leaves every other setting as it is', () => {
    const restricted = configUnderTrust(DEFAULT_CONFIG, false);
    assert.equal(restricted['learning.enabled'], false);
    assert.deepEqual({ ...restricted, 'learning.enabled': true }, DEFAULT_CONFIG);
    assert.equal(configUnderTrust(DEFAULT_CONFIG, true), DEFAULT_CONFIG);
    const off = { ...DEFAULT_CONFIG, 'learning.enabled': false };
    assert.equal(
      configUnderTrust(off, true)['learning.enabled'],
      false,
      'trust does not turn on what the user turned off',
    );
  });

  it('learns from the workspace only once it is trusted', () => {
    assert.equal(mayLearnFromWorkspace(false), false);
    assert.equal(mayLearnFromWorkspace(true), true);
  });

  it('refuses steps that run code in a restricted window, with a message that says how to allow them', () => {
    for (const kind of ['task', 'shell', 'debug'] as const) {
      const refusal = stepRefusal(kind, false);
      assert.ok(
        refusal?.includes('Restricted Mode') && refusal.includes('Trust the workspace'),
        `${kind}: ${String(refusal)}`,
      );
      assert.equal(stepRefusal(kind, true), undefined, `${kind} runs once trusted`);
    }
    assert.equal(stepRefusal('open', false), undefined, 'opening a file runs nothing');
    assert.equal(stepRefusal('commit', false), undefined, 'opening the commit box runs nothing');
  });
});
