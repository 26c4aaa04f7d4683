import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG, type OndiConfig } from '../../src/core/config';
import { createOfferGate } from '../../src/core/complete/gate';

const config = (overrides: Partial<OndiConfig>): OndiConfig => ({ ...DEFAULT_CONFIG, ...overrides });
const file = { languageId: 'typescript', path: '/work/app/src/index.ts' };

describe('completion offer gate', () => {
  it('offers completions for a configured language in an ordinary file', () => {
    assert.deepEqual(createOfferGate(DEFAULT_CONFIG)(file), { offer: true });
  });

  it('offers nothing when completions are turned off', () => {
    const decision = createOfferGate(config({ enable: false }))(file);
    assert.equal(decision.offer, false);
    assert.match(!decision.offer ? decision.reason : '', /ondi\.enable/);
  });

  it('offers nothing for languages outside ondi.languages', () => {
    const decision = createOfferGate(config({ languages: ['python'] }))(file);
    assert.equal(decision.offer, false);
    assert.match(!decision.offer ? decision.reason : '', /typescript is not in ondi\.languages/);
  });

  it('offers nothing in files matching ondi.disabledGlobs', () => {
    const gate = createOfferGate(config({ disabledGlobs: ['**/generated/**'] }));
    assert.equal(gate({ languageId: 'typescript', path: '/work/app/generated/api.ts' }).offer, false);
    assert.equal(gate(file).offer, true);
  });
});
