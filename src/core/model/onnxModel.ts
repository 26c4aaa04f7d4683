// The one module that talks to onnxruntime-node: session options, input checks, tensor
// disposal and a queue so that runs never overlap.
// first, so that the runtime's native library never starts its telemetry
import '../base/nativeTelemetry';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { SerialQueue } from '../base/serialQueue';
import { KvCache, type LayerCache } from './kvCache';
import { ModelFolderError, type ModelInfo } from './modelFolder';

export interface StepOutput {
  /** Next-token logits after the last fed token. */
  readonly logits: Float32Array;
  /** Next-token logits after each of the last `logitsAt` fed tokens, [logitsAt, vocab]. */
  readonly rows: Float32Array;
  /** Final hidden states of the fed tokens, [tokens, hiddenSize] (the adapter learns from these). */
  readonly hidden: Float32Array;
  readonly cache: KvCache;
}

export interface SessionOptions {
  /** Threads for one run; two suits the 2-core laptops Ondi is sized for. */
  readonly threads?: number;
}

export class OnnxModel {
  private readonly queue = new SerialQueue();
  private disposed = false;

  /** The attention mask of every run: all positions attend, so one buffer of ones serves all. */
  private readonly ones: BigInt64Array;

  /** Whether one run can score several positions (exports before logit_positions scored the last only). */
  readonly scoresDrafts: boolean;

  private constructor(
    readonly info: ModelInfo,
    private readonly session: ort.InferenceSession,
  ) {
    this.scoresDrafts = session.inputNames.includes('logit_positions');
    this.ones = new BigInt64Array(info.maxPositions).fill(1n);
  }

  /** Opens the graph and checks that it is the one config.json describes (ModelFolderError otherwise). */
  static async load(info: ModelInfo, options: SessionOptions = {}): Promise<OnnxModel> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(info.onnxFile, {
        executionProviders: ['cpu'],
        // 'all' adds layout passes that cost 100+ ms at load and gained nothing measurable per
        // step; a graph optimized when it was built needs none, which saves about 200 ms more
        graphOptimizationLevel: info.preOptimized ? 'disabled' : 'extended',
        executionMode: 'sequential',
        intraOpNumThreads: options.threads ?? 2,
        interOpNumThreads: 1,
        enableCpuMemArena: true,
        // A spinning helper thread holds a core the editor's own processes need, and a step then
        // waits for whichever of the two threads got less: with one core busy elsewhere, a
        // 160-token run took 32 ms spinning and 17 ms not (quiet: 12.7 and 13.5 ms).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (error) {
      throw new ModelFolderError(
        `${info.onnxFile} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      checkGraphFitsConfig(info, session.outputMetadata);
    } catch (error) {
      await session.release();
      throw error;
    }
    return new OnnxModel(info, session);
  }

  emptyCache(): KvCache {
    return KvCache.empty(this.info.heads, this.info.headDim);
  }

  /**
   * Feeds `ids` after the cached positions and returns the logits after each of the last
   * `logitsAt` of them. Runs are queued: one at a time, in call order.
   */
  step(ids: readonly number[], cache: KvCache, logitsAt = 1): Promise<StepOutput> {
    return this.queue.run(() => this.run(ids, cache, logitsAt));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue.idle();
    await this.session.release();
  }

  private async run(ids: readonly number[], cache: KvCache, logitsAt: number): Promise<StepOutput> {
    if (this.disposed) throw new Error('the model was unloaded');
    const { info } = this;
    if (ids.length === 0) throw new Error('nothing to feed the model');
    cache.checkCurrent();
    const past = cache.length;
    const total = past + ids.length;
    if (total > info.maxPositions) throw new Error(`context of ${total} tokens exceeds ${info.maxPositions}`);
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= info.vocabSize) throw new Error(`token id ${id} out of range`);
    }
    if (!Number.isInteger(logitsAt) || logitsAt < 1 || logitsAt > ids.length)
      throw new Error(`cannot score ${logitsAt} of ${ids.length} positions`);
    if (logitsAt > 1 && !this.scoresDrafts) throw new Error('this model scores the last position only');
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', this.ones.subarray(0, total), [1, total]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (_, k) => BigInt(past + k)),
        [1, ids.length],
      ),
    };
    if (this.scoresDrafts) {
      const first = ids.length - logitsAt;
      feeds['logit_positions'] = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: logitsAt }, (_, k) => BigInt(first + k)),
        [logitsAt],
      );
    }
    for (const [i, c] of cache.layers) {
      const dims = [1, cache.headsOf(i), past, info.headDim];
      feeds[`past_key_values.${i}.key`] = new ort.Tensor('float32', c.key, dims);
      feeds[`past_key_values.${i}.value`] = new ort.Tensor('float32', c.value, dims);
    }
    let outputs: ort.InferenceSession.OnnxValueMapType | undefined;
    try {
      outputs = await this.session.run(feeds);
      const layers = new Map<number, LayerCache>();
      for (const i of cache.layers.keys()) {
        layers.set(i, {
          key: floats(outputs[`present.${i}.key`]),
          value: floats(outputs[`present.${i}.value`]),
        });
      }
      const rows = floats(outputs['logits']);
      return {
        rows,
        logits: rows.subarray(rows.length - info.vocabSize),
        hidden: floats(outputs['last_hidden_state']),
        cache:
          info.kvOutputs === 'fed'
            ? cache.append(layers, ids.length, info.maxPositions)
            : new KvCache(layers, total, info.heads, info.headDim),
      };
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
      for (const t of Object.values(outputs ?? {})) t.dispose();
    }
  }
}

/**
 * The graph scores config.json's vocabulary and hands back hidden states of its size: a
 * config.json or tokenizer of another model would otherwise load and produce garbage.
 */
function checkGraphFitsConfig(info: ModelInfo, outputs: readonly ort.InferenceSession.ValueMetadata[]): void {
  const config = path.join(info.folder, 'config.json');
  const lastDim = (name: string): number | string | undefined => {
    const out = outputs.find((o) => o.name === name);
    if (!out) throw new ModelFolderError(`${info.onnxFile} has no "${name}" output: it is not an Ondi model export`);
    return out.isTensor ? out.shape.at(-1) : undefined;
  };
  const vocab = lastDim('logits');
  if (typeof vocab === 'number' && vocab !== info.vocabSize) {
    throw new ModelFolderError(
      `${info.onnxFile} scores ${vocab} tokens but ${config} says vocab_size ${info.vocabSize}`,
    );
  }
  const hidden = lastDim('last_hidden_state');
  if (typeof hidden === 'number' && hidden !== info.hiddenSize) {
    throw new ModelFolderError(
      `${info.onnxFile} has hidden states of size ${hidden} but ${config} says hidden_size ${info.hiddenSize}`,
    );
  }
}

/**
 * A float output's data. onnxruntime-node hands outputs back in buffers of their own that
 * disposing the tensor does not free, so they are kept without a copy (a decoding step's
 * outputs, cache included, are about a megabyte; copying them cost more than the run's nodes).
 */
function floats(t: ort.OnnxValue | undefined): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error('the model returned no float output');
  return t.data;
}

export interface HeadOutput {
  /** [positions, k] */
  readonly topLogits: Float32Array;
  readonly topIds: Int32Array;
  readonly k: number;
  readonly logSumExp: Float32Array;
  readonly targetLogits: Float32Array;
}

/**
 * The output projection as its own small graph (onnx/head_topk.onnx): what the personal
 * adapter's training needs from the base model at every position, without materializing
 * full-vocabulary logits in JavaScript.
 */
export class HeadModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly hiddenSize: number,
  ) {}

  static async load(file: string, hiddenSize: number, threads = 2): Promise<HeadModel> {
    const session = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    return new HeadModel(session, hiddenSize);
  }

  async run(hidden: Float32Array, targets: readonly number[]): Promise<HeadOutput> {
    const n = targets.length;
    if (hidden.length < n * this.hiddenSize) throw new Error('fewer hidden states than targets');
    const feeds = {
      hidden: new ort.Tensor('float32', hidden.subarray(0, n * this.hiddenSize), [n, this.hiddenSize]),
      targets: new ort.Tensor('int64', BigInt64Array.from(targets, BigInt), [n]),
    };
    let out: ort.InferenceSession.OnnxValueMapType | undefined;
    try {
      out = await this.session.run(feeds);
      const ids = out['topk_ids'];
      if (!ids || !(ids.data instanceof BigInt64Array)) throw new Error('head returned no ids');
      return {
        topLogits: floats(out['topk_logits']),
        topIds: Int32Array.from(ids.data, Number),
        k: Number(ids.dims[1]),
        logSumExp: floats(out['logsumexp']),
        targetLogits: floats(out['target_logit']),
      };
    } finally {
      for (const t of Object.values(feeds)) t.dispose();
      for (const t of Object.values(out ?? {})) t.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
