import * as assert from 'node:assert/strict';
import { Decoder } from '../../src/core/model/decoder';
import { KvCache } from '../../src/core/model/kvCache';
import type { OnnxModel, StepOutput } from '../../src/core/model/onnxModel';
import type { Tokenizer } from '../../src/core/model/tokenizer';

// A cursor after an indentation: the prompt ends in "\n    ", one token, which training never
// saw before a word (there the split is "\n   " + " foo").
const TEXT = ['\n   ', ' foo', '\n    ', 'bar', 'x', '<eos>'];
const EOS = 5;
const VOCAB = TEXT.length;
/** What the model prefers after each token, best first. */
const PREFERS: Record<number, number[]> = { 4: [0, 2], 0: [1], 2: [3], 1: [EOS], 3: [EOS] };

function fakeModel(): OnnxModel {
  const model = {
    info: { eosTokenId: EOS, maxPositions: 64, vocabSize: VOCAB, hiddenSize: 1 },
    scoresDrafts: false,
    emptyCache: () => KvCache.empty([1], 1),
    step(ids: readonly number[], cache: KvCache): Promise<StepOutput> {
      const past = cache.layers.get(0)?.key ?? new Float32Array(0);
      const seq = [...Array.from(past), ...ids];
      const rows = new Float32Array(VOCAB).fill(-10);
      (PREFERS[seq[seq.length - 1] ?? 0] ?? []).forEach((t, rank) => (rows[t] = 5 - rank));
      const tokens = Float32Array.from(seq);
      return Promise.resolve({
        rows,
        logits: rows,
        hidden: new Float32Array(ids.length),
        cache: new KvCache(new Map([[0, { key: tokens, value: tokens }]]), seq.length, [1], 1),
      });
    },
  };
  return model as unknown as OnnxModel;
}

const tokenizer: Tokenizer = {
  vocabText: TEXT,
  encode: () => [],
  decode: (ids) => ids.map((i) => TEXT[i] ?? '').join(''),
};

describe('token healing', () => {
  it('re-spells the backed-up token with a shorter token and goes on from there', async () => {
    const decoder = new Decoder(fakeModel(), tokenizer, { drafts: false });
    const g = await decoder.generate({ promptIds: [4, 2], maxNewTokens: 8, stop: () => undefined });
    // "\n   " + " foo" re-spells "\n    " and adds "foo"; "\n    bar" would have been the only
    // continuation allowed if the first token had to contain the whole backed-up text
    assert.equal(g.text, 'foo');
  });

  it('returns only what comes after the backed-up text', async () => {
    const decoder = new Decoder(fakeModel(), tokenizer, { drafts: false });
    const g = await decoder.generate({ promptIds: [4, 0], maxNewTokens: 8, stop: () => undefined });
    assert.equal(g.text, ' foo');
  });
});
