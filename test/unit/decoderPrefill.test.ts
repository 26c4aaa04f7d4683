import * as assert from 'node:assert/strict';
import { Decoder } from '../../src/core/model/decoder';
import { KvCache } from '../../src/core/model/kvCache';
import type { OnnxModel, StepOutput } from '../../src/core/model/onnxModel';
import type { Tokenizer } from '../../src/core/model/tokenizer';

const VOCAB = 64;
const EOS = 63;
const NEWLINE = 62;

/**
 * A model whose next token is a function of the last token; its "KV cache" is the token
 * sequence itself, so what was fed before is visible to the test.
 */
function fakeModel() {
  const runs: number[] = [];
  const model = {
    info: { eosTokenId: EOS, maxPositions: 1024, vocabSize: VOCAB, hiddenSize: 2 },
    scoresDrafts: true,
    emptyCache: () => KvCache.empty([1], 1),
    step(ids: readonly number[], cache: KvCache, logitsAt = 1): Promise<StepOutput> {
      runs.push(ids.length);
      const past = cache.layers.get(0)?.key ?? new Float32Array(0);
      const seq = [...Array.from(past), ...ids];
      const rows = new Float32Array(logitsAt * VOCAB);
      for (let j = 0; j < logitsAt; j++) {
        const last = seq[seq.length - logitsAt + j] ?? 0;
        rows[j * VOCAB + (last >= 20 ? NEWLINE : last + 1)] = 1;
      }
      const tokens = Float32Array.from(seq);
      return Promise.resolve({
        rows,
        logits: rows.subarray(rows.length - VOCAB),
        hidden: new Float32Array(ids.length * 2),
        cache: new KvCache(new Map([[0, { key: tokens, value: tokens }]]), seq.length, [1], 1),
      });
    },
  };
  return { model: model as unknown as OnnxModel, runs };
}

const tokenizer: Tokenizer = {
  vocabText: Array.from({ length: VOCAB }, (_, i) => (i === NEWLINE ? '\n' : `${i},`)),
  encode: () => [],
  decode: (ids) => ids.map((i) => (i === NEWLINE ? '\n' : `${i},`)).join(''),
};

const lineStop = (text: string): string | undefined => {
  const nl = text.indexOf('\n');
  return nl >= 0 ? text.slice(0, nl) : undefined;
};

/** A long prompt (as a whole file window is) ending in a token the model continues from. */
const prompt = (length: number, last = 12): number[] => [
  ...Array.from({ length: length - 1 }, (_, i) => 30 + (i % 30)),
  last,
];

describe('the decoder reads long prompts in runs and ahead of time', () => {
  it('feeds a long prompt in runs of at most 160 tokens and writes what one run would', async () => {
    const chunked = fakeModel();
    const ids = prompt(450);
    const got = await new Decoder(chunked.model, tokenizer, { drafts: false }).generate({
      promptIds: ids,
      maxNewTokens: 16,
      stop: lineStop,
    });
    assert.equal(got.text, '13,14,15,16,17,18,19,20,');
    assert.ok(Math.max(...chunked.runs) <= 160 + 1, `runs: ${chunked.runs.join(', ')}`);
    assert.equal(got.fed, 450 - 1 + 9, 'every prompt token but the backed-up one, then the generated ones');
  });

  it('stops reading a prompt between two runs once the request is aborted', async () => {
    const { model, runs } = fakeModel();
    const controller = new AbortController();
    const pending = new Decoder(model, tokenizer).generate({
      promptIds: prompt(600),
      maxNewTokens: 16,
      stop: lineStop,
      signal: controller.signal,
    });
    // the abort is heard at the first boundary between runs, as a cancel message would be
    setImmediate(() => controller.abort());
    const got = await pending;
    assert.equal(runs.length, 1, `runs: ${runs.join(', ')}`);
    assert.ok(got.fed <= 160 && got.tokens === 0, JSON.stringify(got));
  });

  it('after a warm-up, the request at that spot feeds only what was typed there and writes the same', async () => {
    const spot = prompt(400, 40);
    const typed = [...spot, 11, 12];
    const cold = await new Decoder(fakeModel().model, tokenizer).generate({
      promptIds: typed,
      maxNewTokens: 16,
      stop: lineStop,
    });
    const warmed = fakeModel();
    const decoder = new Decoder(warmed.model, tokenizer);
    assert.equal(await decoder.warm(spot), 399, 'all but the last token, which healing backs up');
    const got = await decoder.generate({ promptIds: typed, maxNewTokens: 16, stop: lineStop });
    assert.equal(got.text, cold.text);
    assert.equal(got.reused, 399);
    assert.ok(got.fed <= 2 + got.tokens + got.drafted, JSON.stringify(got));
    assert.equal(await decoder.warm(spot), 0, 'a spot already read is not read again');
  });

  it('a warm-up that is aborted keeps what it had read', async () => {
    const { model, runs } = fakeModel();
    const decoder = new Decoder(model, tokenizer);
    const controller = new AbortController();
    const warming = decoder.warm(prompt(500, 40), controller.signal);
    setImmediate(() => controller.abort());
    const fed = await warming;
    assert.ok(fed > 0 && fed < 499, `fed ${fed} in runs ${runs.join(', ')}`);
    const got = await decoder.generate({ promptIds: prompt(500, 40), maxNewTokens: 4, stop: lineStop });
    assert.equal(got.reused, fed);
  });
});
