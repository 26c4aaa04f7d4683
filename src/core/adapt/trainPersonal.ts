import { HeadModel, type OnnxModel } from '../model/onnxModel';
import type { Tokenizer } from '../model/tokenizer';
import { toLf } from '../complete/lineEndings';
import { newAdamState, trainBatch, validationLoss, type TrainingPosition } from './adapterTrainer';
import { KnnKeysBuilder, type KnnKeys } from './knnStore';
import { LowRankAdapter } from './lowRankAdapter';

export interface TrainingDocument {
  readonly text: string;
  /** Relative importance (recent edits and accepted completions count more). */
  readonly weight: number;
}

export interface TrainOptions {
  readonly rank?: number;
  readonly alpha?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
  /** Token budget: documents beyond it (in the given order) are left out. */
  readonly maxTokens?: number;
  readonly windowTokens?: number;
  readonly batchSize?: number;
  /** Share of the tokens, newest documents first, first held out to check the adapter helps. */
  readonly validationShare?: number;
  readonly signal?: AbortSignal;
  /** Called inside each window, between the model and the output projection: a pause or stop there waits half a window less. */
  readonly checkpoint?: () => void;
  /** Windows done of all, and the token stream's length (tokens learned ≈ done / total of it). */
  readonly onProgress?: (done: number, total: number, tokens: number) => void;
}

export interface TrainedPersonalModel {
  readonly adapter: LowRankAdapter;
  /** The token stream learned from (the cache model is built from it). */
  readonly tokens: Uint16Array;
  /** Every learned position's hidden state: the nearest-neighbour store. */
  readonly knn: KnnKeys;
  readonly documents: number;
  readonly seconds: number;
  readonly finalLoss: number;
  /** Loss on the newest documents before the adapter saw them (absent with a single document). */
  readonly validation?:
    | { readonly tokens: number; readonly baseLoss: number; readonly adaptedLoss: number; readonly strength: number }
    | undefined;
  /** Whether the adapter lowered that loss, so decoding should use it (the cache is used either way). */
  readonly useAdapter: boolean;
}

/** The adapter must beat the base model on unseen code by this much (nats per token) to be used. */
const MIN_GAIN = 0.01;
/** Strengths tried on the held-out files: a weaker update often generalizes where the full one overfits. */
const STRENGTHS = [1, 0.5, 0.25];

/** Documents -> token stream (each document after the separator), cut at the budget. */
export function tokenStream(
  tokenizer: Tokenizer,
  docs: readonly TrainingDocument[],
  separator: number,
  maxTokens: number,
) {
  const ids: number[] = [];
  const weights: number[] = [];
  const starts: number[] = [];
  let documents = 0;
  for (const d of docs) {
    if (ids.length >= maxTokens) break;
    starts.push(ids.length);
    // learned as prompts are read ('\n' breaks only): a CRLF file teaches no '\r' to the
    // adapter, the cache or the snippets cut from this stream
    const enc = [separator, ...tokenizer.encode(toLf(d.text))].slice(0, maxTokens - ids.length);
    ids.push(...enc);
    for (let i = 0; i < enc.length; i++) weights.push(d.weight);
    documents++;
  }
  return { tokens: Uint16Array.from(ids), weights: Float32Array.from(weights), documents, starts };
}

/**
 * Trains the low-rank adapter on the user's documents with the frozen base model: windows of
 * the token stream go through the model (hidden states) and the output-projection graph (each
 * position's candidates), then Adam updates A and B batch by batch. The newest documents are
 * learned last: first they measure whether the adapter, trained on the older code, predicts
 * them better than the base model, and at which strength (if at none, decoding leaves the
 * adapter out).
 */
export async function trainPersonal(
  model: OnnxModel,
  tokenizer: Tokenizer,
  docs: readonly TrainingDocument[],
  options: TrainOptions = {},
): Promise<TrainedPersonalModel> {
  const started = performance.now();
  const info = model.info;
  if (!info.headFile)
    throw new Error('this model has no output-projection graph (onnx/head_topk.onnx) to train an adapter with');
  const head = await HeadModel.load(info.headFile, info.hiddenSize);
  try {
    const maxTokens = options.maxTokens ?? 100_000;
    const window = Math.min(options.windowTokens ?? 256, info.maxPositions);
    const batchSize = options.batchSize ?? 128;
    const epochs = options.epochs ?? 1;
    const lr = options.learningRate ?? 3e-3;
    const { tokens, weights, documents, starts } = tokenStream(tokenizer, docs, info.eosTokenId, maxTokens);
    const adapter = new LowRankAdapter({
      hidden: info.hiddenSize,
      rank: options.rank ?? 16,
      vocab: info.vocabSize,
      alpha: options.alpha ?? 1,
    });
    const adam = newAdamState(adapter);
    const keys = new KnnKeysBuilder(info.hiddenSize);
    // held out: whole newest documents, about validationShare of the tokens (none if only one)
    const share = options.validationShare ?? 0.1;
    const heldOut = starts.find((s) => s >= share * tokens.length) ?? 0;
    const ranges: [number, number][] =
      heldOut > 0
        ? [
            [heldOut, tokens.length],
            [0, heldOut],
          ]
        : [[0, tokens.length]];
    const windowsIn = ([from, to]: [number, number]) => Math.max(0, Math.ceil((to - from - 1) / window));
    const total = epochs * ranges.reduce((n, r) => n + windowsIn(r), 0);
    let done = 0;
    let finalLoss = NaN;
    let validation: TrainedPersonalModel['validation'];
    let batch: TrainingPosition[] = [];
    const learn = (positions: readonly TrainingPosition[]): void => {
      for (const p of positions) {
        batch.push(p);
        if (batch.length === batchSize) {
          finalLoss = trainBatch(adapter, adam, batch, lr);
          batch = [];
        }
      }
    };
    const flush = (): void => {
      if (batch.length > 0) finalLoss = trainBatch(adapter, adam, batch, lr);
      batch = [];
    };
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const [r, [from, to]] of ranges.entries()) {
        const checking = epoch === 0 && r === 1;
        const seen: TrainingPosition[] = [];
        for (let w = from; w < to - 1; w += window) {
          if (options.signal?.aborted) throw new Error('training was cancelled');
          const positions = await positionsOf(model, head, tokens, weights, w, Math.min(to, w + window + 1), () => {
            options.checkpoint?.();
            if (options.signal?.aborted) throw new Error('training was cancelled');
          });
          if (epoch === 0) positions.forEach((p, t) => keys.add(p.hidden, p.hiddenOffset, w + t));
          if (checking) seen.push(...positions);
          else learn(positions);
          options.onProgress?.(++done, total, tokens.length);
          // yield so a worker stays responsive to pause/cancel messages
          await new Promise((r) => setImmediate(r));
        }
        if (checking) {
          flush();
          validation = STRENGTHS.map((strength) => {
            const loss = validationLoss(strength === 1 ? adapter : adapter.scaled(strength), seen);
            return { tokens: seen.length, baseLoss: loss.base, adaptedLoss: loss.adapted, strength };
          }).reduce((best, v) => (v.adaptedLoss < best.adaptedLoss ? v : best));
          learn(seen);
        }
      }
      flush();
    }
    const useAdapter = !validation || validation.adaptedLoss < validation.baseLoss - MIN_GAIN;
    const strength = validation?.strength ?? 1;
    return {
      adapter: strength === 1 ? adapter : adapter.scaled(strength),
      tokens,
      knn: keys.build(tokens),
      documents,
      seconds: (performance.now() - started) / 1000,
      finalLoss,
      validation,
      useAdapter,
    };
  } finally {
    await head.dispose();
  }
}

/** One window of the token stream through the model and the output projection: training positions. */
async function positionsOf(
  model: OnnxModel,
  head: HeadModel,
  tokens: Uint16Array,
  weights: Float32Array,
  from: number,
  to: number,
  between: () => void,
): Promise<TrainingPosition[]> {
  const ids = Array.from(tokens.subarray(from, to));
  const out = await model.step(ids.slice(0, -1), model.emptyCache());
  between();
  const targets = ids.slice(1);
  const h = await head.run(out.hidden, targets);
  const d = model.info.hiddenSize;
  return targets.map((target, t) => ({
    hidden: out.hidden,
    hiddenOffset: t * d,
    candidates: h.topIds.subarray(t * h.k, (t + 1) * h.k),
    candidateLogits: h.topLogits.subarray(t * h.k, (t + 1) * h.k),
    logSumExp: h.logSumExp[t] ?? 0,
    target,
    targetLogit: h.targetLogits[t] ?? 0,
    weight: weights[from + t + 1] ?? 1,
  }));
}
