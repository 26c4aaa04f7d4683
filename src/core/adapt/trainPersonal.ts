import { HeadModel, type OnnxModel } from '../model/onnxModel';
import type { Tokenizer } from '../model/tokenizer';
import { newAdamState, trainBatch, type TrainingPosition } from './adapterTrainer';
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
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TrainedPersonalModel {
  readonly adapter: LowRankAdapter;
  /** The token stream learned from (the cache model is built from it). */
  readonly tokens: Uint16Array;
  readonly documents: number;
  readonly seconds: number;
  readonly finalLoss: number;
}

/** Documents -> token stream (each document after the separator), cut at the budget. */
export function tokenStream(tokenizer: Tokenizer, docs: readonly TrainingDocument[], separator: number, maxTokens: number) {
  const ids: number[] = [];
  const weights: number[] = [];
  let documents = 0;
  for (const d of docs) {
    if (ids.length >= maxTokens) break;
    const enc = [separator, ...tokenizer.encode(d.text)].slice(0, maxTokens - ids.length);
    ids.push(...enc);
    for (let i = 0; i < enc.length; i++) weights.push(d.weight);
    documents++;
  }
  return { tokens: Uint16Array.from(ids), weights: Float32Array.from(weights), documents };
}

/**
 * Trains the low-rank adapter on the user's documents with the frozen base model: windows of
 * the token stream go through the model (hidden states) and the output-projection graph (each
 * position's candidates), then Adam updates A and B batch by batch.
 */
export async function trainPersonal(
  model: OnnxModel,
  tokenizer: Tokenizer,
  docs: readonly TrainingDocument[],
  options: TrainOptions = {},
): Promise<TrainedPersonalModel> {
  const started = performance.now();
  const info = model.info;
  if (!info.headFile) throw new Error('this model has no output-projection graph (onnx/head_topk.onnx) to train an adapter with');
  const head = await HeadModel.load(info.headFile, info.hiddenSize);
  try {
    const maxTokens = options.maxTokens ?? 100_000;
    const window = Math.min(options.windowTokens ?? 256, info.maxPositions);
    const batchSize = options.batchSize ?? 128;
    const epochs = options.epochs ?? 1;
    const lr = options.learningRate ?? 3e-3;
    const { tokens, weights, documents } = tokenStream(tokenizer, docs, info.eosTokenId, maxTokens);
    const adapter = new LowRankAdapter({ hidden: info.hiddenSize, rank: options.rank ?? 16, vocab: info.vocabSize, alpha: options.alpha ?? 1 });
    const adam = newAdamState(adapter);
    const windows = Math.max(1, Math.ceil((tokens.length - 1) / window));
    let finalLoss = NaN;
    for (let epoch = 0; epoch < epochs; epoch++) {
      let batch: TrainingPosition[] = [];
      for (let w = 0; w < windows; w++) {
        if (options.signal?.aborted) throw new Error('training was cancelled');
        const from = w * window;
        const ids = Array.from(tokens.subarray(from, Math.min(tokens.length, from + window + 1)));
        if (ids.length < 2) continue;
        const out = await model.step(ids.slice(0, -1), model.emptyCache());
        const targets = ids.slice(1);
        const h = await head.run(out.hidden, targets);
        for (let t = 0; t < targets.length; t++) {
          batch.push({
            hidden: out.hidden,
            hiddenOffset: t * info.hiddenSize,
            candidates: h.topIds.subarray(t * h.k, (t + 1) * h.k),
            candidateLogits: h.topLogits.subarray(t * h.k, (t + 1) * h.k),
            logSumExp: h.logSumExp[t] ?? 0,
            target: targets[t] ?? 0,
            targetLogit: h.targetLogits[t] ?? 0,
            weight: weights[from + t + 1] ?? 1,
          });
          if (batch.length === batchSize) {
            finalLoss = trainBatch(adapter, adam, batch, lr);
            batch = [];
          }
        }
        options.onProgress?.(epoch * windows + w + 1, epochs * windows);
        // yield so a worker stays responsive to pause/cancel messages
        await new Promise((r) => setImmediate(r));
      }
      if (batch.length > 0) finalLoss = trainBatch(adapter, adam, batch, lr);
    }
    return { adapter, tokens, documents, seconds: (performance.now() - started) / 1000, finalLoss };
  } finally {
    await head.dispose();
  }
}
