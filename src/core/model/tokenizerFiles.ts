import * as path from 'node:path';
import { ModelFolderError, readJsonObject, shown, type ModelInfo } from './modelFolder';

/**
 * The tokenizer's two files, checked before the tokenizer library sees them: the library
 * answers a missing part with errors such as "Cannot read properties of undefined (reading
 * 'merges')", and a tokenizer of another model loads without complaint and produces garbage.
 */
export interface TokenizerFiles {
  readonly json: TokenizerJson;
  readonly config: Record<string, unknown>;
  /** Token ids run from 0 to size - 1. */
  readonly size: number;
}

export interface TokenizerJson extends Record<string, unknown> {
  readonly model: { type?: string; vocab: Record<string, number>; merges: (string | string[])[] };
  readonly added_tokens?: readonly AddedToken[];
}

interface AddedToken {
  readonly id: number;
  readonly content: string;
}

/** Special tokens tokenizer_config.json may spell as an AddedToken object instead of its text. */
const SPECIAL_TOKENS = ['bos_token', 'eos_token', 'unk_token', 'pad_token'];

export async function readTokenizerFiles(folder: string): Promise<TokenizerFiles> {
  const file = path.join(folder, 'tokenizer.json');
  const configFile = path.join(folder, 'tokenizer_config.json');
  const [json, config] = await Promise.all([
    readJsonObject(file, () => `tokenizer.json is missing from ${folder}`),
    readJsonObject(configFile, () => `tokenizer_config.json is missing from ${folder}`),
  ]);
  const model = json['model'];
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw new ModelFolderError(`${file}: "model" is missing or not an object (it holds the BPE vocab and merges)`);
  }
  const { type, vocab, merges } = model as Record<string, unknown>;
  if (type !== undefined && type !== 'BPE')
    throw new ModelFolderError(`${file}: model.type is ${shown(type)}, Ondi's models use a BPE tokenizer`);
  const mergesAre = `${file}: model.merges must be a list of merges ("a b" or ["a", "b"])`;
  if (!Array.isArray(merges)) throw new ModelFolderError(`${mergesAre}, not ${shown(merges)}`);
  const bad = merges.findIndex(
    (m) => !(typeof m === 'string' || (Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string'))),
  );
  if (bad >= 0) throw new ModelFolderError(`${mergesAre}; merges[${bad}] is ${shown(merges[bad])}`);
  let size = 0;
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab))
    throw new ModelFolderError(`${file}: model.vocab must map each token to a whole number id`);
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new ModelFolderError(
        `${file}: model.vocab must map each token to a whole number id (${JSON.stringify(token)} is ${shown(id)})`,
      );
    }
    size = Math.max(size, id + 1);
  }
  const added = json['added_tokens'] ?? [];
  if (!Array.isArray(added) || !added.every(isAddedToken))
    throw new ModelFolderError(`${file}: added_tokens must be a list of { id, content }`);
  for (const a of added) size = Math.max(size, a.id + 1);
  for (const key of SPECIAL_TOKENS) {
    const v = config[key];
    // the library reads an object only when it carries __type "AddedToken"; newer files leave that out
    if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string')
      config[key] = (v as { content: string }).content;
    else if (v !== undefined && v !== null && typeof v !== 'string')
      throw new ModelFolderError(`${configFile}: ${key} must be a token's text, not ${shown(v)}`);
  }
  return { json: json as TokenizerJson, config, size };
}

/**
 * The tokenizer belongs to the model: the export makes the tokenizer's vocabulary exactly the
 * model's, and both agree on the end-of-text token.
 */
export function checkTokenizerFitsModel(
  folder: string,
  files: TokenizerFiles,
  info: Pick<ModelInfo, 'vocabSize' | 'eosTokenId'>,
): void {
  const file = path.join(folder, 'tokenizer.json');
  const configJson = path.join(folder, 'config.json');
  if (files.size !== info.vocabSize) {
    throw new ModelFolderError(
      `${file} has ${files.size} tokens but ${configJson} says vocab_size ${info.vocabSize}: the tokenizer does not belong to this model`,
    );
  }
  const eos = files.config['eos_token'];
  if (typeof eos !== 'string') return;
  const id = files.json.added_tokens?.find((a) => a.content === eos)?.id ?? files.json.model.vocab[eos];
  if (id === info.eosTokenId) return;
  const where = path.join(folder, 'tokenizer_config.json');
  throw new ModelFolderError(
    id === undefined
      ? `${where}: the end-of-text token ${JSON.stringify(eos)} is not in ${file}; ${configJson}'s eos_token_id is ${info.eosTokenId}`
      : `${where}: the end-of-text token ${JSON.stringify(eos)} has id ${id} in ${file} but ${configJson}'s eos_token_id is ${info.eosTokenId}`,
  );
}

function isAddedToken(a: unknown): a is AddedToken {
  if (typeof a !== 'object' || a === null) return false;
  const { id, content } = a as Record<string, unknown>;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && typeof content === 'string';
}
