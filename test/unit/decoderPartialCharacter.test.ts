import * as assert from 'node:assert/strict';
import { Decoder } from '../../src/core/model/decoder';
import { KvCache } from '../../src/core/model/kvCache';
import type { OnnxModel, StepOutput } from '../../src/core/model/onnxModel';
import { withoutPartialCharacter, type Tokenizer } from '../../src/core/model/tokenizer';

// byte-level tokens: "a", then the two bytes of "é" as two tokens, then the end of text
const BYTES = [0x61, 0xc3, 0xa9];
const EOS = 3;
const VOCAB = 4;

/** A model that writes "a", 0xC3, 0xA9, end of text, whatever the prompt (one token long). */
function scriptedModel(): OnnxModel {
  const model = {
    info: { eosTokenId: EOS, maxPositions: 64, vocabSize: VOCAB, hiddenSize: 1 },
    scoresDrafts: false,
    emptyCache: () => KvCache.empty([1], 1),
    step(ids: readonly number[], cache: KvCache, logitsAt = 1): Promise<StepOutput> {
      const past = cache.layers.get(0)?.key ?? new Float32Array(0);
      const seq = [...Array.from(past), ...ids];
      const rows = new Float32Array(logitsAt * VOCAB);
      for (let j = 0; j < logitsAt; j++) rows[j * VOCAB + Math.min(seq.length - logitsAt + j, EOS)] = 1;
      const tokens = Float32Array.from(seq);
      return Promise.resolve({
        rows,
        logits: rows.subarray(rows.length - VOCAB),
        hidden: new Float32Array(ids.length),
        cache: new KvCache(new Map([[0, { key: tokens, value: tokens }]]), seq.length, [1], 1),
      });
    },
  };
  return model as unknown as OnnxModel;
}

const utf8 = new TextDecoder();
const tokenizer: Tokenizer = {
  vocabText: ['a', '\uFFFD', '\uFFFD', ''],
  encode: () => [],
  decode: (ids) => utf8.decode(Uint8Array.from(ids.filter((i) => i < BYTES.length).map((i) => BYTES[i] as number))),
};
const lineStop = (text: string): string | undefined =>
  text.includes('\n') ? text.slice(0, text.indexOf('\n')) : undefined;

describe('a completion never ends inside a multi-byte character', () => {
  it('cuts back to the last whole character when the budget ends between its bytes', async () => {
    const decoder = new Decoder(scriptedModel(), tokenizer, { drafts: false });
    const cut = await decoder.generate({ promptIds: [0], maxNewTokens: 2, stop: lineStop });
    assert.equal(cut.tokens, 2);
    assert.equal(cut.text, 'a');
  });

  it('keeps the character once all its bytes are there', async () => {
    const decoder = new Decoder(scriptedModel(), tokenizer, { drafts: false });
    const whole = await decoder.generate({ promptIds: [0], maxNewTokens: 8, stop: lineStop });
    assert.equal(whole.text, 'aé');
  });

  it('leaves text without a cut character as it is', () => {
    assert.equal(withoutPartialCharacter('const é = 1;'), 'const é = 1;');
    assert.equal(withoutPartialCharacter('x = "\uFFFD\uFFFD'), 'x = "');
  });
});
