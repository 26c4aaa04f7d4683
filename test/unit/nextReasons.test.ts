import * as assert from 'node:assert/strict';
import type { RankedFile } from '../../src/core/next/learners/fileRanker';
import type { PairFacts } from '../../src/core/next/learners/fileFeatures';
import { fileReason } from '../../src/core/next/reasons';

const facts = (over: Partial<PairFacts> = {}): PairFacts => ({
  together: 0,
  confidence: 0,
  reverseConfidence: 0,
  age: undefined,
  pairAge: undefined,
  candidateWeight: 0,
  queryWeight: 0,
  viaRecentConfidence: 0,
  queryImports: false,
  importsQuery: false,
  importAdded: false,
  linked: 0,
  sharedWords: 0,
  sharedWordsRank: undefined,
  ...over,
});
const ranked = (file: string, over: Partial<PairFacts> = {}, testPair = false): RankedFile => ({
  file,
  probability: 0.5,
  facts: facts(over),
  testPair,
  viaRecent: undefined,
});

describe('next-file reasons', () => {
  it('say what the code links, from the strongest evidence the ranking used', () => {
    const here = 'src/cart.ts';
    assert.equal(
      fileReason(ranked('src/stock.ts', { importAdded: true, queryImports: true }), here),
      'cart.ts now imports stock.ts',
    );
    assert.equal(
      fileReason(ranked('src/money.ts', { together: 3, confidence: 0.5, sharedWordsRank: 0 }), here),
      "Changed together with cart.ts in 3 recent commits (50% of cart.ts's)",
      'a co-change habit outranks the words',
    );
    assert.equal(
      fileReason(ranked('src/pricing.ts', { sharedWordsRank: 0, sharedWords: 1.2 }), here),
      'Holds names you just changed in cart.ts',
    );
    assert.equal(fileReason(ranked('src/checkout.ts', { importsQuery: true }), here), 'Imports cart.ts');
    assert.equal(fileReason(ranked('src/money.ts', { queryImports: true }), here), 'Imported by cart.ts');
    assert.equal(
      fileReason(ranked('src/cart.test.ts', { importsQuery: true }, true), here),
      'cart.test.ts and cart.ts are a source/test pair',
    );
  });
});
