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
  /**
   * What the graph's present.* outputs hold: the fed positions only, appended by the engine
   * (config.json "kv_outputs": "fed"), or the whole cache (earlier exports).
   */
  readonly kvOutputs: 'fed' | 'total';
}

export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
}

const ONNX_CANDIDATES = ['model_quantized.onnx', 'model.onnx'];

/**
 * Reads and checks config.json: every field the engine uses must be there and of its kind,
 * and the files it names must exist. A missing or malformed folder gives a message that names
 * the file and what is wrong in it.
 */
export async function readModelFolder(folder: string, onnxFile?: string): Promise<ModelInfo> {
  const configFile = path.join(folder, 'config.json');
  const cfg = await readJsonObject(configFile, () => `no model at ${folder} (config.json is missing)`);
  const wrong = (key: string, what: string): ModelFolderError =>
    new ModelFolderError(`${configFile}: ${key} must be ${what}, not ${shown(cfg[key])}`);
  const positive = (key: string): number => {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw wrong(key, 'a positive whole number');
    return v;
  };
  const heads = cfg['num_attention_heads'];
  if (!Array.isArray(heads) || !heads.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
    throw new ModelFolderError(`${configFile}: num_attention_heads must be a list of whole numbers`);
  }
  const vocabSize = positive('vocab_size');
  const eos = cfg['eos_token_id'];
  if (typeof eos !== 'number' || !Number.isInteger(eos) || eos < 0 || eos >= vocabSize)
    throw wrong('eos_token_id', `a token id below vocab_size (${vocabSize})`);
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
    throw new ModelFolderError(
      `no ONNX file in ${path.join(folder, 'onnx')} (looked for ${file ?? ONNX_CANDIDATES.join(', ')})`,
    );
  }
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    if (!(await exists(path.join(folder, name)))) throw new ModelFolderError(`${name} is missing from ${folder}`);
  }
  return {
    folder,
    onnxFile: path.join(folder, 'onnx', file),
    vocabSize,
    hiddenSize: positive('hidden_size'),
    headDim: positive('head_dim'),
    heads: heads as number[],
    cacheLayers: (heads as number[]).flatMap((h, i) => (h > 0 ? [i] : [])),
    eosTokenId: eos,
    maxPositions: positive('max_position_embeddings'),
    stage: typeof ondi['stage'] === 'string' ? ondi['stage'] : 'unknown',
    params: typeof ondi['params'] === 'number' ? ondi['params'] : 0,
    ...(typeof ondi['non_embedding_params'] === 'number' ? { nonEmbeddingParams: ondi['non_embedding_params'] } : {}),
    modelId: typeof ondi['checkpoint_sha256'] === 'string' ? ondi['checkpoint_sha256'] : `${file}:${vocabSize}`,
    preOptimized: Array.isArray(ondi['ort_optimized']) && (ondi['ort_optimized'] as unknown[]).includes(file),
    kvOutputs: ondi['kv_outputs'] === 'fed' ? 'fed' : 'total',
    headFile: (await exists(path.join(folder, 'onnx', 'head_topk.onnx')))
      ? path.join(folder, 'onnx', 'head_topk.onnx')
      : undefined,
  };
}

/** A JSON object read from `file`; `missing` phrases the error for a file that is not there. */
export async function readJsonObject(file: string, missing: () => string): Promise<Record<string, unknown>> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelFolderError(missing());
    throw new ModelFolderError(`${file} could not be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ModelFolderError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ModelFolderError(`${file} must hold a JSON object`);
  return json as Record<string, unknown>;
}

export const shown = (v: unknown): string => (v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v)));

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
