import * as assert from 'node:assert/strict';
import { Decoder, lookupDraft } from '../../src/core/model/decoder';
import { KvCache } from '../../src/core/model/kvCache';
import type { OnnxModel, StepOutput } from '../../src/core/model/onnxModel';
import type { Tokenizer } from '../../src/core/model/tokenizer';

const VOCAB = 64;
const EOS = 63;
const NEWLINE = 62;

/**
 * A model whose next token is a fixed function of the last two tokens: short cycles (which
 * prompt lookup can draft) mixed with jumps (which it cannot). The "KV cache" is the token
 * sequence itself, one value per position, so truncation behaves as with a real cache.
 */
function fakeModel(scoresDrafts: boolean) {
  const calls = { runs: 0, fed: 0 };
  const next = (a: number, b: number): number => {
    if (b < 10) return b === 9 ? NEWLINE : b + 1;
    if (b === NEWLINE) return 10 + (a % 40);
    return (a * 7 + b * 3) % 11 === 0 ? 3 : 10 + ((a * 5 + b) % 45);
  };
  const model = {
    info: { eosTokenId: EOS, maxPositions: 256, vocabSize: VOCAB, hiddenSize: 2 },
    scoresDrafts,
    emptyCache: () => KvCache.empty([1], 1),
    step(ids: readonly number[], cache: KvCache, logitsAt = 1): Promise<StepOutput> {
      calls.runs++;
      calls.fed += ids.length;
      const past = cache.layers.get(0)?.key ?? new Float32Array(0);
      const seq = [...Array.from(past), ...ids];
      const rows = new Float32Array(logitsAt * VOCAB);
      for (let j = 0; j < logitsAt; j++) {
        const p = seq.length - logitsAt + j;
        rows[j * VOCAB + next(seq[p - 1] ?? 0, seq[p] ?? 0)] = 1;
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
  return { model: model as unknown as OnnxModel, calls };
}

const tokenizer: Tokenizer = {
  // every token spells "<id>," so token healing can only re-spell the backed-up token itself
  vocabText: Array.from({ length: VOCAB }, (_, i) => (i === NEWLINE ? '\n' : `${i},`)),
  encode: () => [],
  decode: (ids) => ids.map((i) => (i === NEWLINE ? '\n' : `${i},`)).join(''),
};

const lineStop = (text: string): string | undefined => {
  const nl = text.indexOf('\n');
  return nl >= 0 ? text.slice(0, nl) : undefined;
};

/** A user typing token by token into what the model suggests, with a few detours. */
async function typeAlong(decoder: Decoder): Promise<{ texts: string[]; drafted: number; accepted: number }> {
  const texts: string[] = [];
  let drafted = 0;
  let accepted = 0;
  let prompt = [20, 31, 12, 45];
  for (let k = 0; k < 40; k++) {
    const g = await decoder.generate({ promptIds: prompt, maxNewTokens: 16, stop: lineStop });
    texts.push(g.text);
    drafted += g.drafted;
    accepted += g.accepted;
    const said = g.text.split(',').filter(Boolean).map(Number);
    // mostly take the first suggested token; every seventh keystroke types something else
    prompt = [...prompt, k % 7 === 6 || said.length === 0 ? 10 + (k % 30) : (said[0] as number)];
  }
  return { texts, drafted, accepted };
}

describe('decoding with drafts', () => {
  it('writes exactly what one-token-at-a-time greedy decoding writes, in fewer runs', async () => {
    const plain = fakeModel(false);
    const drafted = fakeModel(true);
    const a = await typeAlong(new Decoder(plain.model, tokenizer));
    const b = await typeAlong(new Decoder(drafted.model, tokenizer));
    assert.deepEqual(b.texts, a.texts);
    assert.equal(a.drafted, 0);
    assert.ok(b.accepted > 0 && b.accepted <= b.drafted, `accepted ${b.accepted} of ${b.drafted}`);
    assert.ok(drafted.calls.runs < plain.calls.runs * 0.6, `${drafted.calls.runs} runs vs ${plain.calls.runs}`);
  });

  it('can be switched off', async () => {
    const m = fakeModel(true);
    const r = await typeAlong(new Decoder(m.model, tokenizer, { drafts: false }));
    assert.equal(r.drafted, 0);
  });
});

describe('prompt lookup draft', () => {
  it('proposes what followed the latest earlier occurrence of the last tokens', () => {
    assert.deepEqual(lookupDraft([1, 2, 3, 4, 5, 9, 1, 2, 3], 3), [4, 5, 9]);
    assert.deepEqual(lookupDraft([7, 8, 1, 2, 6, 6, 1, 2, 5, 7, 1, 2], 2), [5, 7]);
  });
  it('proposes nothing without a repeat', () => {
    assert.deepEqual(lookupDraft([1, 2, 3, 4]), []);
    assert.deepEqual(lookupDraft([1]), []);
  });
});
