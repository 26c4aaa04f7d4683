import * as assert from 'node:assert/strict';
import { Decoder } from '../../src/core/model/decoder';
import { lineStop, NEWLINE, tokenModel, tokenTokenizer } from './fixtures/tokenModel';

/** A model whose next token follows from the last one: counting up to 20, then a line end. */
const fakeModel = () => tokenModel((_, last) => (last >= 20 ? NEWLINE : last + 1), { maxPositions: 1024 });
const tokenizer = tokenTokenizer;

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
