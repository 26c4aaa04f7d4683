/**
 * A small fingerprint of the words each workspace file holds (a 4,096-bit Bloom filter, 512
 * bytes a file), so a prediction can ask which files may hold a word without reading or
 * indexing them all. "May": a few files that do not hold it answer yes, and the caller checks
 * the text; a file that holds the word always answers yes.
 */

const BITS = 4096;
const WORDS_PER_SIGNATURE = BITS / 32;
const WORD = /[A-Za-z_$][\w$]*/g;

export class WordSignatures {
  private readonly signatures = new Map<string, Uint32Array>();

  /** Fingerprints `text` as the words of `path` (replacing what was known). */
  set(path: string, text: string): void {
    const signature = new Uint32Array(WORDS_PER_SIGNATURE);
    for (const word of text.match(WORD) ?? []) mark(signature, word);
    this.signatures.set(path, signature);
  }

  /** Adds words (of an edit just made) to a file's fingerprint; stale words left behind only cost a check. */
  add(path: string, text: string): void {
    const signature = this.signatures.get(path);
    if (!signature) return;
    for (const word of text.match(WORD) ?? []) mark(signature, word);
  }

  delete(path: string): void {
    this.signatures.delete(path);
  }

  /** Files that may hold `word` (every file that does, and a few that do not). */
  filesWith(word: string): string[] {
    const [a, b] = hashes(word);
    const out: string[] = [];
    for (const [path, signature] of this.signatures) if (has(signature, a) && has(signature, b)) out.push(path);
    return out;
  }

  get size(): number {
    return this.signatures.size;
  }
}

function mark(signature: Uint32Array, word: string): void {
  const [a, b] = hashes(word);
  signature[a >>> 5] = (signature[a >>> 5] as number) | (1 << (a & 31));
  signature[b >>> 5] = (signature[b >>> 5] as number) | (1 << (b & 31));
}

function has(signature: Uint32Array, bit: number): boolean {
  return ((signature[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
}

/** Two bit positions from one FNV-1a hash of the word (its low and high halves). */
function hashes(word: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return [(h >>> 0) % BITS, (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0) % BITS];
}
