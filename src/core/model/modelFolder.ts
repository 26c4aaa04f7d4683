import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** What the engine needs to know about an exported model folder (models/export.py writes it). */
export interface ModelInfo {
  readonly folder: string;
  readonly onnxFile: string;
  /** The file's graph was optimized when it was built (models/export.py): the session skips it. */
  readonly preOptimized: boolean;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly headDim: number;
  /** Attention heads per layer; layers with 0 heads keep no cache. */
  readonly heads: readonly number[];
  readonly cacheLayers: readonly number[];
  readonly eosTokenId: number;
  readonly maxPositions: number;
  readonly stage: string;
  readonly params: number;
  /** Parameters outside the token embedding, when config.json says. */
  readonly nonEmbeddingParams?: number;
  /** Identifies the exact weights (personal adapters are tied to them). */
  readonly modelId: string;
  /** The output-projection graph the personal adapter trains with, if shipped. */
  readonly headFile: string | undefined;
}

export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
}

const ONNX_CANDIDATES = ['model_quantized.onnx', 'model.onnx'];

/** Reads and checks config.json; a missing or malformed folder gives a message a person can act on. */
export async function readModelFolder(folder: string, onnxFile?: string): Promise<ModelInfo> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(folder, 'config.json'), 'utf8');
  } catch {
    throw new ModelFolderError(`no model at ${folder} (config.json is missing)`);
  }
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new ModelFolderError(`the model's config.json at ${folder} is not valid JSON`);
  }
  const num = (key: string): number => {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFolderError(`config.json: ${key} is missing`);
    return v;
  };
  const list = (key: string): number[] => {
    const v = cfg[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
      throw new ModelFolderError(`config.json: ${key} must be a list of numbers`);
    }
    return v as number[];
  };
  const heads = list('num_attention_heads');
  const ondi = (cfg['ondi'] ?? {}) as Record<string, unknown>;
  let file = onnxFile;
  if (!file) {
    for (const candidate of ONNX_CANDIDATES) {
      if (await exists(path.join(folder, 'onnx', candidate))) {
        file = candidate;
        break;
      }
    }
  }
  if (!file || !(await exists(path.join(folder, 'onnx', file)))) {
    throw new ModelFolderError(`no ONNX file in ${path.join(folder, 'onnx')}`);
  }
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    if (!(await exists(path.join(folder, name)))) throw new ModelFolderError(`${name} is missing from ${folder}`);
  }
  return {
    folder,
    onnxFile: path.join(folder, 'onnx', file),
    vocabSize: num('vocab_size'),
    hiddenSize: num('hidden_size'),
    headDim: num('head_dim'),
    heads,
    cacheLayers: heads.flatMap((h, i) => (h > 0 ? [i] : [])),
    eosTokenId: num('eos_token_id'),
    maxPositions: num('max_position_embeddings'),
    stage: typeof ondi['stage'] === 'string' ? ondi['stage'] : 'unknown',
    params: typeof ondi['params'] === 'number' ? ondi['params'] : 0,
    ...(typeof ondi['non_embedding_params'] === 'number' ? { nonEmbeddingParams: ondi['non_embedding_params'] } : {}),
    modelId: typeof ondi['checkpoint_sha256'] === 'string' ? ondi['checkpoint_sha256'] : `${file}:${num('vocab_size')}`,
    preOptimized: Array.isArray(ondi['ort_optimized']) && (ondi['ort_optimized'] as unknown[]).includes(file),
    headFile: (await exists(path.join(folder, 'onnx', 'head_topk.onnx'))) ? path.join(folder, 'onnx', 'head_topk.onnx') : undefined,
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
