import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { seededRandom } from '../../src/core/eval/lineSamples';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { Decoder } from '../../src/core/model/decoder';
import { fuzzSeed, int, pick, randomBytes, randomText } from './fixtures/fuzzInputs';
import { int8Kernel } from './fixtures/int8Kernel';

/**
 * The shipped model's tokenizer and decoder under random input: encode and decode never throw
 * and round-trip any well-formed text; a decoder that reuses its KV cache (and its drafts)
 * across a random sequence of typing, deleting, undoing and jumping writes exactly what a
 * fresh decoder writes for the same prompt.
 */
const SEED = fuzzSeed();
const MODEL = path.resolve(__dirname, '../../models/ondi-code');
/**
 * Logits a chosen token may trail the fresh run's best by, by int8 kernel kind. Measured with no
 * cache reused, the last 8 of 300 tokens scored one run each against one run of all 300 (40
 * stretches of decoder.ts, 320 rows): up to 0.4 with exact int32 sums, up to 2.6 where pairs of
 * products saturate at int16 (the quantization scale is the whole run's, so the rows fed beside
 * a token move its logits); split feeds of many tokens stay within 0.4 on both.
 */
const MAX_QUANTIZATION_GAP = { int32: 1.5, 'int16-pairs': 4 } as const;

const START = `import { readFile } from 'node:fs/promises';

export async function loadConfig(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  for (const key of Object.keys(parsed)) {
    if (key.startsWith('_')) delete parsed[key];
  }
  return parsed;
}

export function merge(a: Record<string, unknown>, b: Record<string, unknown>) {
  const out = { ...a };
`;
const TYPED = [
  '  ',
  'for (const key of Object.keys(b)) {',
  '\n',
  '    out[key] = b[key];',
  '}',
  'return out;',
  'const ',
  'value',
  ' = ',
  'a',
  '.',
  '(',
  ')',
  ';',
  '\r\n',
  'if (',
  '// ',
  'x',
];

/** Lone surrogates replaced by U+FFFD, as UTF-8 encoding does (String.prototype.toWellFormed). */
const wellFormed = (s: string): string =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

describe(`fuzz: tokenizer and KV-cache decoding of the shipped model (seed ${SEED})`, function () {
  this.timeout(120_000);
  let engine: LoadedEngine;
  let maxGap: number;

  before(async () => {
    engine = await loadEngine(MODEL, { threads: 1 });
    maxGap = MAX_QUANTIZATION_GAP[await int8Kernel()];
  });
  after(async () => {
    await engine?.dispose();
  });

  it('encode and decode never throw; decode(encode(s)) gives s back (lone surrogates as U+FFFD)', () => {
    const rand = seededRandom(SEED);
    const { tokenizer } = engine;
    const vocab = tokenizer.vocabText.length;
    const failures: string[] = [];
    const CASES = 150;
    for (let i = 0; i < CASES; i++) {
      // never empty: the empty case is its own test below
      const text =
        (i % 3 === 2
          ? randomBytes(rand, 512).toString(pick(rand, ['utf8', 'latin1'] as const))
          : randomText(rand, 120)) || 'x';
      const ids = tokenizer.encode(text);
      assert.ok(
        ids.every((id) => Number.isInteger(id) && id >= 0 && id < vocab),
        `case ${i}: ids inside the vocabulary`,
      );
      const back = tokenizer.decode(ids);
      if (back !== wellFormed(text))
        failures.push(`case ${i}: ${JSON.stringify(text.slice(0, 80))} -> ${JSON.stringify(back.slice(0, 80))}`);
      // any sequence of ids the model may produce decodes too
      tokenizer.decode(Array.from({ length: 1 + int(rand, 40) }, () => int(rand, vocab)));
    }
    assert.deepEqual(failures.slice(0, 5), [], `seed ${SEED}: ${failures.length} of ${CASES} texts did not round-trip`);
  });

  it('the empty text and the empty id list round-trip too', () => {
    const { tokenizer } = engine;
    assert.deepEqual(tokenizer.encode(''), []);
    assert.equal(tokenizer.decode([]), '');
  });

  it('a decoder that reuses its cache across random edits and undos writes what the model, run fresh, scores best', async () => {
    const rand = seededRandom(SEED + 1);
    const { model, tokenizer } = engine;
    const reusing = new Decoder(model, tokenizer);
    const history: string[] = [START];
    let text = START;
    const wrong: string[] = [];
    const STEPS = 40;
    let reusedTokens = 0;
    let sameAsFresh = 0;
    let worstGap = 0;
    for (let step = 0; step < STEPS; step++) {
      const r = rand();
      if (r < 0.45) text += pick(rand, TYPED);
      else if (r < 0.65) text = text.slice(0, Math.max(1, text.length - 1 - int(rand, 12)));
      else if (r < 0.85 && history.length > 1)
        text = history[history.length - 1 - int(rand, Math.min(history.length, 6))] ?? text; // undo
      else {
        const at = int(rand, text.length); // an edit earlier in the file, then the cursor at the end again
        text = text.slice(0, at) + pick(rand, TYPED) + text.slice(at);
      }
      history.push(text);
      const promptIds = tokenizer.encode(text).slice(-400);
      const request = { promptIds, maxNewTokens: 3 + int(rand, 4), stop: () => undefined };
      const cached = await reusing.generate(request);
      reusedTokens += cached.reused;
      const fresh = await new Decoder(model, tokenizer, { drafts: false }).generate(request);
      if (fresh.text === cached.text) sameAsFresh++;
      // The int8 model quantizes activations per run, so feeding a prompt in pieces (what the
      // cache does) moves logits by a few tenths: a near-tie may flip. A cache that held wrong
      // keys or positions would pick tokens far below the fresh run's best instead.
      const sequence = (reusing as unknown as { lastSequence: number[] }).lastSequence;
      const prompt = sequence.slice(0, promptIds.length > 1 ? promptIds.length - 1 : promptIds.length);
      const generated = sequence.slice(prompt.length);
      if (generated.length === 0) continue;
      const scored = await model.step([...prompt, ...generated.slice(0, -1)], model.emptyCache(), generated.length);
      const v = model.info.vocabSize;
      let unhealed = promptIds.length > 1 ? (tokenizer.vocabText[promptIds[promptIds.length - 1] ?? 0] ?? '') : '';
      generated.forEach((id, j) => {
        const row = scored.rows.subarray(j * v, (j + 1) * v);
        let best = -Infinity;
        row.forEach((logit, t) => {
          const spelled = tokenizer.vocabText[t] ?? '';
          const allowed =
            !unhealed || spelled.startsWith(unhealed) || (spelled.length > 0 && unhealed.startsWith(spelled));
          if (allowed && logit > best) best = logit;
        });
        const gap = best - (row[id] ?? -Infinity);
        worstGap = Math.max(worstGap, gap);
        if (gap > maxGap) wrong.push(`step ${step}, token ${j}: ${gap.toFixed(2)} below the best`);
        const spelled = tokenizer.vocabText[id] ?? '';
        unhealed = spelled.length < unhealed.length ? unhealed.slice(spelled.length) : '';
      });
    }
    console.log(
      `    ${STEPS} edits: ${reusedTokens} prompt tokens reused, ${sameAsFresh} outputs identical to a fresh decoder, worst gap ${worstGap.toFixed(2)} logits`,
    );
    assert.ok(reusedTokens > 0, 'the cache was actually reused');
    assert.deepEqual(wrong, [], `seed ${SEED}`);
  });
});
