import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { KnnKeysBuilder, KnnStore } from '../../src/core/adapt/knnStore';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { NgramCache } from '../../src/core/adapt/ngramCache';
import {
  AdapterProcessor,
  cacheWeight,
  CacheProcessor,
  KnnProcessor,
  personalProcessors,
} from '../../src/core/adapt/personalModel';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { Decoder } from '../../src/core/model/decoder';
import { KvCache } from '../../src/core/model/kvCache';
import { runProcessors, type DecodingStep, type LogitsProcessor } from '../../src/core/model/logitsProcessor';
import type { OnnxModel, StepOutput } from '../../src/core/model/onnxModel';
import type { Tokenizer } from '../../src/core/model/tokenizer';
import { request } from './fixtures/completionRequest';

const VOCAB = 16;
const EOS = 15;
const HIDDEN = 4;

/** Each position's hidden state is (position, 1, 0, 0); the next token is the last one plus one. */
function countingModel(scoresDrafts: boolean): OnnxModel {
  const model = {
    info: { eosTokenId: EOS, maxPositions: 128, vocabSize: VOCAB, hiddenSize: HIDDEN },
    scoresDrafts,
    emptyCache: () => KvCache.empty([1], 1),
    step(ids: readonly number[], cache: KvCache, logitsAt = 1): Promise<StepOutput> {
      const past = cache.layers.get(0)?.key ?? new Float32Array(0);
      const seq = [...Array.from(past), ...ids];
      const rows = new Float32Array(logitsAt * VOCAB);
      for (let j = 0; j < logitsAt; j++) {
        const last = seq[seq.length - logitsAt + j] ?? 0;
        rows[j * VOCAB + ((last + 1) % EOS)] = 3;
      }
      const hidden = new Float32Array(ids.length * HIDDEN);
      for (let i = 0; i < ids.length; i++) hidden.set([past.length + i, 1, 0, 0], i * HIDDEN);
      const tokens = Float32Array.from(seq);
      return Promise.resolve({
        rows,
        logits: rows.subarray(rows.length - VOCAB),
        hidden,
        cache: new KvCache(new Map([[0, { key: tokens, value: tokens }]]), seq.length, [1], 1),
      });
    },
  };
  return model as unknown as OnnxModel;
}

const tokenizer: Tokenizer = {
  vocabText: Array.from({ length: VOCAB }, (_, i) => `${i},`),
  encode: () => [],
  decode: (ids) => ids.map((i) => `${i},`).join(''),
};

const generate = (decoder: Decoder, promptIds: number[]) =>
  decoder.generate({ promptIds, maxNewTokens: 6, stop: () => undefined });

/** Adds `delta` to one token's score and notes that it ran. */
function bump(token: number, delta: number, log: string[], name: string): LogitsProcessor {
  return {
    process(scores) {
      log.push(name);
      scores[token] = (scores[token] ?? 0) + delta;
      return scores;
    },
  };
}

describe('logits processors', () => {
  it('run in order, each on what the one before returned', () => {
    const log: string[] = [];
    const double: LogitsProcessor = {
      process(scores) {
        log.push('double');
        return scores.map((x) => 2 * x);
      },
    };
    const step: DecodingStep = { context: [1], hidden: new Float32Array(HIDDEN), hiddenOffset: 0 };
    const a = runProcessors([bump(0, 1, log, 'bump'), double], new Float32Array(2), step);
    const b = runProcessors([double, bump(0, 1, log, 'bump')], new Float32Array(2), step);
    assert.deepEqual(Array.from(a), [2, 0]);
    assert.deepEqual(Array.from(b), [1, 0]);
    assert.deepEqual(log, ['bump', 'double', 'double', 'bump']);
  });

  it('an empty list returns the scores untouched, the same array', () => {
    const scores = Float32Array.from([0.5, -1, 3]);
    const step: DecodingStep = { context: [], hidden: new Float32Array(0), hiddenOffset: 0 };
    assert.equal(runProcessors([], scores, step), scores);
    assert.deepEqual(Array.from(scores), [0.5, -1, 3]);
  });

  it('the personal model is the adapter, then the cache, then the neighbours, each only when present', () => {
    const adapter = new LowRankAdapter({ hidden: HIDDEN, rank: 2, vocab: VOCAB });
    const tokens = Uint16Array.from([1, 2, 3, 4, 1, 2, 3, 4]);
    const cache = new NgramCache(tokens);
    const keys = new KnnKeysBuilder(HIDDEN);
    keys.add(Float32Array.from([1, 0, 0, 0]), 0, 2);
    const knn = new KnnStore(HIDDEN, keys.build(), tokens);
    const kinds = (list: LogitsProcessor[]) => list.map((p) => p.constructor.name);
    assert.deepEqual(kinds(personalProcessors({ knn, cache, adapter })), [
      'AdapterProcessor',
      'CacheProcessor',
      'KnnProcessor',
    ]);
    assert.deepEqual(kinds(personalProcessors({ cache })), ['CacheProcessor']);
    assert.deepEqual(personalProcessors({}), []);
  });

  it('the cache reads the file above the prompt that the decoder passes', () => {
    const cache = new NgramCache(Uint16Array.from([9, 9, 9]));
    const processor = new CacheProcessor(cache);
    const earlier = [1, 2, 3, 4, 7, 1, 2, 3, 4, 7];
    const step = (above?: readonly number[]): DecodingStep => ({
      context: [1, 2, 3, 4],
      hidden: new Float32Array(0),
      hiddenOffset: 0,
      ...(above ? { nearby: above } : {}),
    });
    const raw = () => Float32Array.from({ length: VOCAB }, () => 0);
    const without = processor.process(raw(), step());
    const withEarlier = processor.process(raw(), step(earlier));
    assert.deepEqual(Array.from(without), Array.from(raw()), 'nothing matched: the scores stay');
    const best = withEarlier.indexOf(Math.max(...withEarlier));
    assert.equal(best, 7, 'what followed [1, 2, 3, 4] above the prompt comes first');
    assert.deepEqual(Array.from(processor.process(raw(), step([...earlier]))), Array.from(withEarlier));
  });

  it('blends the parts in that order: the adapter shifts raw logits before the cache mixes in', () => {
    const adapter = new LowRankAdapter({ hidden: HIDDEN, rank: 2, vocab: VOCAB }, undefined, 3);
    for (let i = 0; i < adapter.b.length; i++) adapter.b[i] = Math.sin(i) * 4;
    const cache = new NgramCache(Uint16Array.from([1, 2, 3, 4, 5, 1, 2, 3, 4, 6, 1, 2, 3, 4, 5]));
    const step: DecodingStep = {
      context: [1, 2, 3, 4],
      hidden: Float32Array.from([0, 0, 0, 0, 0.3, -0.7, 0.2, 0.9]),
      hiddenOffset: HIDDEN,
    };
    const raw = () => Float32Array.from({ length: VOCAB }, (_, i) => Math.cos(i));
    const listed = runProcessors(personalProcessors({ adapter, cache }), raw(), step);
    const byHand = new CacheProcessor(cache).process(new AdapterProcessor(adapter).process(raw(), step), step);
    assert.deepEqual(Array.from(listed), Array.from(byHand));
    const reversed = runProcessors([new CacheProcessor(cache), new AdapterProcessor(adapter)], raw(), step);
    assert.notDeepEqual(Array.from(reversed), Array.from(listed), 'the order is part of the result');
  });

  it("the neighbours' processor stays silent without a close neighbour", () => {
    const tokens = Uint16Array.from([7, 9]);
    const keys = new KnnKeysBuilder(HIDDEN);
    keys.add(Float32Array.from([1, 0, 0, 0]), 0, 0);
    const processor = new KnnProcessor(new KnnStore(HIDDEN, keys.build(), tokens));
    const scores = new Float32Array(VOCAB);
    const far = processor.process(scores, { context: [7], hidden: Float32Array.from([0, 1, 0, 0]), hiddenOffset: 0 });
    assert.equal(far, scores);
    const near = processor.process(scores, { context: [7], hidden: Float32Array.from([2, 0, 0, 0]), hiddenOffset: 0 });
    assert.ok((near[9] ?? -Infinity) > (near[0] ?? 0), 'the neighbour votes for what followed it');
  });
});

describe('the decoder with logits processors', () => {
  for (const drafts of [false, true]) {
    it(`an empty list decodes exactly as no list (drafts ${drafts ? 'on' : 'off'})`, async () => {
      const plain = new Decoder(countingModel(drafts), tokenizer, { drafts });
      const empty = new Decoder(countingModel(drafts), tokenizer, { drafts, processors: [] });
      for (const prompt of [[1, 2, 3], [1, 2, 3, 4, 5], [9]]) {
        const [a, b] = [await generate(plain, prompt), await generate(empty, prompt)];
        assert.deepEqual({ ...b, ms: 0 }, { ...a, ms: 0 });
      }
    });

    it(`hands each scored position its context and hidden state (drafts ${drafts ? 'on' : 'off'})`, async () => {
      const seen: { context: number[]; state: number[] }[] = [];
      const spy: LogitsProcessor = {
        process(scores, step) {
          const at = step.hiddenOffset;
          seen.push({ context: [...step.context], state: Array.from(step.hidden.subarray(at, at + HIDDEN)) });
          return scores;
        },
      };
      const decoder = new Decoder(countingModel(drafts), tokenizer, { drafts, processors: [spy] });
      const g = await generate(decoder, [1, 2, 3]);
      assert.equal(g.text, '4,5,6,7,8,');
      assert.ok(seen.length > 0);
      for (const { context, state } of seen) {
        // the hidden state of the context's last position: position index = context length - 1
        assert.deepEqual(state, [context.length - 1, 1, 0, 0]);
        assert.deepEqual(context.slice(0, 2), [1, 2]);
      }
    });
  }

  it('decodes from what the processors return, and from the new list once it is replaced', async () => {
    const log: string[] = [];
    const decoder = new Decoder(countingModel(false), tokenizer, { drafts: false });
    assert.equal((await generate(decoder, [1, 2])).text, '3,4,5,6,7,');
    decoder.useProcessors([bump(9, 10, log, 'nine')]);
    assert.equal((await generate(decoder, [1, 2])).text, '9,9,9,9,9,');
    decoder.useProcessors([]);
    assert.equal((await generate(decoder, [1, 2])).text, '3,4,5,6,7,');
    assert.ok(log.length > 0);
  });
});

describe('the pipeline with the shipped model and an empty processor list', function () {
  this.timeout(120_000);
  let engine: LoadedEngine;
  before(async () => {
    engine = await loadEngine(path.resolve(__dirname, '../../models/ondi-code'), { threads: 1 });
  });
  after(() => engine?.dispose());

  it('completes exactly as the base model', async () => {
    const prompts = [
      'import numpy as np\nimport matplotlib.pyplot as',
      'def fibonacci(n):\n    if n < 2:\n        return n\n    return',
      'export function clamp(x: number, lo: number, hi: number): number {\n  return',
    ];
    const complete = async () => {
      const texts: (string | undefined)[] = [];
      for (const p of prompts)
        texts.push((await engine.pipeline.complete(request(p), new AbortController().signal))?.text);
      return texts;
    };
    const base = await complete();
    assert.equal(base[0], ' plt');
    engine.pipeline.personalize({ processors: [] });
    assert.deepEqual(await complete(), base);
    assert.notEqual(engine.pipeline.lastTrace.cached, true, 'personalizing forgot remembered suggestions');
    engine.pipeline.personalize(undefined);
    assert.deepEqual(await complete(), base);
  });

  it('hands the processors the file above the prompt window, the same array while the user types on there', async () => {
    const seen: (readonly number[] | undefined)[] = [];
    const recorder: LogitsProcessor = {
      process: (scores, step) => {
        seen.push(step.nearby);
        return scores;
      },
    };
    const head = 'export const firstMarker = "alpha";\n';
    const body = Array.from({ length: 400 }, (_, i) => `export const value${i} = compute(${i});\n`).join('');
    const prefix = head + body + 'export const last = ';
    try {
      engine.pipeline.personalize({ processors: [recorder] });
      await engine.pipeline.complete(request(prefix), new AbortController().signal);
      const earlier = seen.at(-1) ?? [];
      assert.ok(earlier.length > 1000, `${earlier.length} tokens above the window`);
      const text = engine.tokenizer.decode(earlier);
      assert.ok(text.startsWith(head), text.slice(0, 60));
      assert.ok(!text.includes('export const last'), 'the prompt itself is not repeated there');
      await engine.pipeline.complete(request(prefix + '1'), new AbortController().signal);
      assert.equal(seen.at(-1), earlier, 'one spot, one array: the cache sorts it once');
      engine.pipeline.personalize(undefined);
      engine.pipeline.personalize({ processors: [recorder] });
      await engine.pipeline.complete(request('const a = 1;\nconst b = '), new AbortController().signal);
      assert.deepEqual(seen.at(-1), [], 'a short file: nothing above the window');
      // the workspace's windows most like the lines above come first
      const asked: number[] = [];
      engine.pipeline.useRetrieval({
        match: () => undefined,
        related: (_prefix, _path, k) => {
          asked.push(k);
          return [engine.info.eosTokenId, 11, 12, 13];
        },
      });
      await engine.pipeline.complete(request(prefix), new AbortController().signal);
      const withRelated = seen.at(-1) ?? [];
      assert.deepEqual(asked, [8]);
      assert.deepEqual(withRelated.slice(0, 5), [engine.info.eosTokenId, 11, 12, 13, engine.info.eosTokenId]);
      assert.deepEqual(withRelated.slice(5), earlier);
    } finally {
      engine.pipeline.useRetrieval(undefined);
      engine.pipeline.personalize(undefined);
    }
  });
});

describe('the personal processors, cheaply', () => {
  /** A seeded uniform generator in [-1, 1). */
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648) * 2 - 1;
  };
  const V = 400;
  const H = 8;

  it('the adapter picks what the full update picks, with token healing too, and leaves far tokens raw', () => {
    const rand = random(11);
    for (let trial = 0; trial < 200; trial++) {
      const adapter = new LowRankAdapter({ hidden: H, rank: 4, vocab: V, alpha: 4 }, undefined, trial + 1);
      for (let i = 0; i < adapter.b.length; i++) adapter.b[i] = rand() * (trial % 3 === 0 ? 2 : 0.05);
      const hidden = Float32Array.from({ length: H }, () => rand() * 3);
      const raw = Float32Array.from({ length: V }, () => rand() * 8);
      const allowed = Int32Array.from({ length: 20 }, (_, i) => (i * 37 + trial) % V);
      const full = raw.slice();
      adapter.addTo(full, hidden, 0);
      const cheap = new AdapterProcessor(adapter).process(raw.slice(), { context: [1], hidden, hiddenOffset: 0 });
      const healed = new AdapterProcessor(adapter).process(raw.slice(), {
        context: [1],
        hidden,
        hiddenOffset: 0,
        allowed,
      });
      const argmaxOf = (x: Float32Array, ids?: Int32Array) =>
        [...(ids ?? x.keys())].reduce((b, t) => ((x[t] ?? 0) > (x[b] ?? 0) ? t : b), ids?.[0] ?? 0);
      assert.equal(argmaxOf(cheap), argmaxOf(full), `trial ${trial}`);
      assert.equal(argmaxOf(healed, allowed), argmaxOf(full, allowed), `trial ${trial}, healing`);
      let changed = 0;
      cheap.forEach((s, t) => {
        if (s !== raw[t]) {
          changed++;
          assert.ok(Math.abs(s - (full[t] ?? 0)) < 1e-4, 'a token it updates gets the full update');
        }
      });
      if (trial % 3 !== 0) assert.ok(changed < V / 8, `trial ${trial}: ${changed} tokens updated`);
    }
  });

  it('two blends in a row give the distribution of the two blends of normalized log-probabilities', () => {
    const rand = random(5);
    const tokens = Uint16Array.from([1, 2, 3, 4, 5, 1, 2, 3, 4, 6, 1, 2, 3, 4, 5]);
    const keys = new KnnKeysBuilder(HIDDEN);
    keys.add(Float32Array.from([1, 0, 0, 0]), 0, 3);
    keys.add(Float32Array.from([1, 0.1, 0, 0]), 0, 8);
    const knn = new KnnStore(HIDDEN, keys.build(), tokens);
    const cache = new NgramCache(tokens);
    const step: DecodingStep = { context: [1, 2, 3, 4], hidden: Float32Array.from([1, 0, 0, 0]), hiddenOffset: 0 };
    const raw = Float32Array.from({ length: VOCAB }, () => rand() * 4);
    const out = runProcessors(personalProcessors({ cache, knn }), raw.slice(), step);
    const softmax = (x: ArrayLike<number>) => {
      const e = Array.from(x, Math.exp);
      const sum = e.reduce((a, b) => a + b);
      return e.map((v) => v / sum);
    };
    // by hand: p = (1 - w2)·((1 - w1)·softmax(raw) + w1·q1) + w2·q2
    const c = cache.predict(step.context);
    const n = knn.predict(step.context, step.hidden, 0);
    assert.ok(c && n, 'both blend here');
    const w1 = cacheWeight(c.order, c.matches);
    const w2 = knn.options.weight;
    const want = softmax(raw).map(
      (p, t) => (1 - w2) * ((1 - w1) * p + w1 * (c.next.get(t) ?? 0)) + w2 * (n.next.get(t) ?? 0),
    );
    softmax(out).forEach((p, t) => assert.ok(Math.abs(p - (want[t] ?? 0)) < 1e-5, `token ${t}: ${p} vs ${want[t]}`));
  });
});
