import type { ModelInfo } from './modelFolder';
import { checkTokenizerFitsModel, readTokenizerFiles } from './tokenizerFiles';

/** Text <-> token ids with the model's own byte-level BPE, loaded from its folder, offline. */
export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Every token's text (for token healing: which tokens can re-spell a cut-off ending). */
  readonly vocabText: readonly string[];
}

interface XenovaTokenizer {
  encode(text: string, pair: null, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skip_special_tokens?: boolean }): string;
}

/**
 * Loads the tokenizer from `folder`. With `model` (config.json's view), a tokenizer that does
 * not belong to that model is refused. Either way a broken file is a ModelFolderError that
 * names it.
 */
export async function loadTokenizer(
  folder: string,
  model?: Pick<ModelInfo, 'vocabSize' | 'eosTokenId'>,
): Promise<Tokenizer> {
  const files = await readTokenizerFiles(folder);
  if (model) checkTokenizerFitsModel(folder, files, model);
  const { json, config } = files;
  // tokenizers >= 0.20 writes merges as pairs; transformers.js 2.x reads "a b" strings only
  json.model.merges = json.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
  const [{ env }, { PreTrainedTokenizer }] = await Promise.all([
    import('@xenova/transformers/src/env.js'),
    import('@xenova/transformers/src/tokenizers.js'),
  ]);
  // Built from the two JSON files read above: nothing is looked up elsewhere, and remote
  // loading is switched off in case anything inside the library tries.
  env.allowRemoteModels = false;
  const tok = new PreTrainedTokenizer(json, config) as unknown as XenovaTokenizer;
  return {
    encode: (text) => tok.encode(text, null, { add_special_tokens: false }),
    // the library refuses an empty list; nothing decodes to nothing
    decode: (ids) => (ids.length === 0 ? '' : tok.decode(ids, { skip_special_tokens: false })),
    vocabText: byteLevelVocab(json.model.vocab, json.added_tokens ?? []),
  };
}

/**
 * The text without a character cut in half at its end: when generation stops between the
 * tokens that spell one multi-byte character, decoding shows its first bytes as U+FFFD.
 */
export function withoutPartialCharacter(text: string): string {
  return text.replace(/\uFFFD+$/u, '');
}

/**
 * Whether the tokenizer library may fetch models over the network, read from the library
 * itself: loadTokenizer switches it off, and this is how the dashboard shows that it is.
 */
export async function remoteModelLoadingAllowed(): Promise<boolean> {
  const { env } = await import('@xenova/transformers/src/env.js');
  return env.allowRemoteModels;
}

/** GPT-2's byte-to-printable-character table, inverted: the byte each alphabet character stands for. */
function byteOfChar(): Int16Array {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = bytes.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n++);
    }
  }
  const table = new Int16Array(256 + n).fill(63); // '?' for anything outside the alphabet
  chars.forEach((c, i) => (table[c] = bytes[i] ?? 63));
  return table;
}

/** Every vocabulary entry's text (typed arrays, not per-character maps: this runs at load). */
function byteLevelVocab(vocab: Record<string, number>, added: readonly { id: number; content: string }[]): string[] {
  const table = byteOfChar();
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  const buf = new Uint8Array(4096);
  const out: string[] = [];
  for (const [piece, id] of Object.entries(vocab)) {
    const n = Math.min(piece.length, buf.length);
    for (let k = 0; k < n; k++) buf[k] = table[piece.charCodeAt(k)] ?? 63;
    out[id] = utf8.decode(buf.subarray(0, n));
  }
  for (const a of added) out[a.id] = a.content;
  return out;
}
