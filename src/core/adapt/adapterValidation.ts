import { LIMITS } from '../config';

/**
 * What a personal model file must hold beyond a matching checksum. The checksum only proves
 * that the bytes are the ones written; a file written by a faulty build, or crafted, could
 * still carry NaN weights (every completion silently lost), shapes of another model, token ids
 * outside the vocabulary or a header that breaks later. Every field is checked here, once, at
 * read time, so that such a file is refused with the field named instead of being applied.
 */

/** A personal model file that cannot be used; `field` names the part that is wrong. */
export class AdapterFileError extends Error {
  override readonly name = 'AdapterFileError';

  constructor(
    /** What is wrong, without the file's name. */
    readonly detail: string,
    readonly field?: string,
    readonly file?: string,
  ) {
    super(file === undefined ? detail : `${file}: ${detail}`);
  }

  /** The same error, saying which file it is about. */
  inFile(file: string): AdapterFileError {
    return new AdapterFileError(this.detail, this.field, file);
  }
}

/** The base model a file must fit: its weights' id and, where known, its dimensions. */
export interface BaseModel {
  readonly modelId: string;
  readonly hidden?: number;
  readonly vocab?: number;
}

/** A header whose every field has been checked. */
export interface CheckedHeader {
  readonly modelId: string;
  readonly hidden: number;
  readonly rank: number;
  readonly vocab: number;
  readonly alpha: number;
  readonly tokens: number;
  /** Rows of the neighbour store. */
  readonly rows: number;
  readonly meta: Record<string, unknown>;
}

/** No setting trains a larger adapter (ondi.learning.rank). */
export const MAX_RANK = LIMITS['learning.rank'].max;
/** Learned tokens are stored as uint16: a larger vocabulary could not be addressed. */
const MAX_VOCAB = 0x10000;

const invalid = (field: string, what: string): AdapterFileError => new AdapterFileError(`${field} ${what}`, field);

const shown = (v: unknown): string => (v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v)));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInteger(h: Record<string, unknown>, key: string): number {
  const v = h[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw invalid(`header.${key}`, `must be a positive integer, not ${shown(v)}`);
  return v;
}

function count(h: Record<string, unknown>, key: string): number {
  const v = h[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw invalid(`header.${key}`, `must be a whole number of at least 0, not ${shown(v)}`);
  return v;
}

/** Checks the JSON header of a file of format `version` against the base model, when given. */
export function checkHeader(raw: unknown, version: number, base?: BaseModel): CheckedHeader {
  if (!isRecord(raw)) throw invalid('header', `must be a JSON object, not ${shown(raw)}`);
  const modelId = raw['modelId'];
  if (typeof modelId !== 'string' || modelId === '')
    throw invalid('header.modelId', `must be a non-empty string, not ${shown(modelId)}`);
  const hidden = positiveInteger(raw, 'hidden');
  const rank = positiveInteger(raw, 'rank');
  const vocab = positiveInteger(raw, 'vocab');
  const tokens = count(raw, 'tokens');
  // format 1 had no neighbour store; since format 2 the header always says how many rows it has
  const rows = version >= 2 ? count(raw, 'knn') : 0;
  if (version < 2 && raw['knn'] !== undefined)
    throw invalid('header.knn', `must be absent in format ${version}, not ${shown(raw['knn'])}`);
  const alphaRaw = raw['alpha'];
  if (
    !(alphaRaw === undefined && version < 2) &&
    !(typeof alphaRaw === 'number' && Number.isFinite(alphaRaw) && alphaRaw > 0)
  ) {
    throw invalid('header.alpha', `must be a positive number, not ${shown(alphaRaw)}`);
  }
  const meta = raw['meta'];
  if (!isRecord(meta)) throw invalid('header.meta', `must be an object, not ${shown(meta)}`);
  if (rank > MAX_RANK) throw invalid('header.rank', `is ${rank}, more than the largest rank Ondi trains (${MAX_RANK})`);
  if (vocab > MAX_VOCAB)
    throw invalid('header.vocab', `is ${vocab}, more than the ${MAX_VOCAB} token ids the file can store`);
  if (base !== undefined && modelId !== base.modelId)
    throw new AdapterFileError('the personal model was trained for another base model', 'header.modelId');
  if (base?.hidden !== undefined && hidden !== base.hidden)
    throw invalid('header.hidden', `is ${hidden} but the base model's hidden size is ${base.hidden}`);
  if (base?.vocab !== undefined && vocab !== base.vocab)
    throw invalid('header.vocab', `is ${vocab} but the base model's vocabulary has ${base.vocab} tokens`);
  checkMeta(meta, { rank, tokens });
  return { modelId, hidden, rank, vocab, alpha: typeof alphaRaw === 'number' ? alphaRaw : 1, tokens, rows, meta };
}

type MetaKind = 'string' | 'number' | 'boolean' | 'strings' | 'validation';

/**
 * The meta fields Ondi reads back (LearnedMeta and what `ondi adapt` writes). Others are kept
 * as they are. A number may be null: JSON writes a NaN loss (no training step) that way.
 */
const META_FIELDS: Readonly<Record<string, MetaKind>> = {
  trainedAt: 'string',
  createdAt: 'string',
  sampling: 'string',
  seconds: 'number',
  loss: 'number',
  tokens: 'number',
  files: 'number',
  recentEdits: 'number',
  redactions: 'number',
  rank: 'number',
  fileList: 'strings',
  adapterApplied: 'boolean',
  validation: 'validation',
};

function checkMeta(meta: Record<string, unknown>, header: { rank: number; tokens: number }): void {
  for (const [key, kind] of Object.entries(META_FIELDS)) {
    const v = meta[key];
    if (v === undefined || fits(v, kind)) continue;
    throw invalid(`header.meta.${key}`, `must be ${describeKind(kind)}, not ${shown(v)}`);
  }
  // what the meta says was learned must be what the payload holds (the cache's stream goes on
  // past the learned tokens)
  if (typeof meta['rank'] === 'number' && meta['rank'] !== header.rank)
    throw invalid('header.meta.rank', `is ${meta['rank']} but the file holds ${header.rank}`);
  if (typeof meta['tokens'] === 'number' && meta['tokens'] > header.tokens)
    throw invalid('header.meta.tokens', `is ${meta['tokens']} but the file holds only ${header.tokens}`);
}

function fits(v: unknown, kind: MetaKind): boolean {
  switch (kind) {
    case 'number':
      return v === null || typeof v === 'number';
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
    case 'validation':
      return (
        isRecord(v) &&
        ['tokens', 'baseLoss', 'adaptedLoss', 'strength'].every((k) => v[k] === undefined || fits(v[k], 'number'))
      );
    default:
      return typeof v === kind;
  }
}

function describeKind(kind: MetaKind): string {
  if (kind === 'strings') return 'a list of strings';
  if (kind === 'validation') return 'an object of numbers (tokens, baseLoss, adaptedLoss, strength)';
  return `a ${kind}`;
}

/** Bytes of the sections after the header: A, B, tokens, neighbour positions and keys. */
export function payloadBytes(h: CheckedHeader): number {
  return (h.hidden * h.rank + h.rank * h.vocab) * 4 + h.tokens * 2 + h.rows * 4 + h.rows * h.hidden;
}

export interface Payload {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly tokens: Uint16Array;
  readonly at: Int32Array;
}

/** The values: finite weights, token ids inside the vocabulary, neighbour positions inside the stream. */
export function checkPayload(h: CheckedHeader, p: Payload): void {
  checkFinite('a', p.a);
  checkFinite('b', p.b);
  for (let i = 0; i < p.tokens.length; i++) {
    const t = p.tokens[i] as number;
    if (t >= h.vocab) throw invalid(`tokens[${i}]`, `is ${t}, outside the vocabulary of ${h.vocab} tokens`);
  }
  // row i is the state after tokens[at[i]] and votes for tokens[at[i] + 1]; the builder writes them in stream order, each once
  let previous = -1;
  for (let i = 0; i < p.at.length; i++) {
    const at = p.at[i] as number;
    if (at <= previous || at + 1 >= h.tokens) {
      throw invalid(
        `knn.at[${i}]`,
        `is ${at}: the neighbour store holds rising positions from 0 to ${h.tokens - 2} (a learned token followed by another)`,
      );
    }
    previous = at;
  }
}

function checkFinite(field: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // v - v is NaN for NaN and both infinities, 0 for every finite number
    if (v - v !== 0) throw invalid(`${field}[${i}]`, `is ${v}: the adapter's weights must be finite numbers`);
  }
}
