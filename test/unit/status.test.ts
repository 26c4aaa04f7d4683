import * as assert from 'node:assert/strict';
import { presentStatus } from '../../src/core/status';

describe('status presentation', () => {
  it('names Ondi in every state so the item is always recognisable', () => {
    for (const state of [
      { kind: 'loading' } as const,
      { kind: 'ready' } as const,
      { kind: 'error', message: 'x' } as const,
      { kind: 'disabled' } as const,
    ]) {
      assert.match(presentStatus(state).text, /Ondi$/);
      assert.match(presentStatus(state).tooltip, /^Ondi: /);
    }
  });

  it('uses a distinct icon per state', () => {
    const icons = (['loading', 'ready', 'disabled'] as const).map((kind) => presentStatus({ kind }).text);
    icons.push(presentStatus({ kind: 'error', message: 'x' }).text);
    assert.equal(new Set(icons).size, 4);
    assert.match(presentStatus({ kind: 'loading' }).text, /loading~spin/);
  });

  it('carries the error message and the ready detail into the tooltip', () => {
    assert.match(presentStatus({ kind: 'error', message: 'model file is corrupt' }).tooltip, /model file is corrupt/);
    assert.match(presentStatus({ kind: 'ready', detail: 'No model yet.' }).tooltip, /ready\. No model yet\./);
  });
});
