import * as assert from 'node:assert/strict';
import { Decoder, lookupDraft } from '../../src/core/model/decoder';
import { lineStop, NEWLINE, tokenModel, tokenTokenizer } from './fixtures/tokenModel';

/**
 * A model whose next token is a fixed function of the last two tokens: short cycles (which
 * prompt lookup can draft) mixed with jumps (which it cannot).
 */
function fakeModel(scoresDrafts: boolean) {
  const next = (a: number, b: number): number => {
    if (b < 10) return b === 9 ? NEWLINE : b + 1;
    if (b === NEWLINE) return 10 + (a % 40);
    return (a * 7 + b * 3) % 11 === 0 ? 3 : 10 + ((a * 5 + b) % 45);
  };
  return tokenModel(next, { scoresDrafts });
}

const tokenizer = tokenTokenizer;

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
