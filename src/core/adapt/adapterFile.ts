import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../store/atomicFile';
import { withLock } from '../store/fileLock';
import {
  AdapterFileError,
  checkHeader,
  checkPayload,
  payloadBytes,
  type BaseModel,
  type CheckedHeader,
} from './adapterValidation';
import type { KnnKeys } from './knnStore';
import { LowRankAdapter } from './lowRankAdapter';

export { AdapterFileError, type BaseModel } from './adapterValidation';

/**
 * The personal model on disk: "ONDIADPT", format version (u32), header length (u32), a JSON
 * header (base model id, shape, what it learned from), A and B (float32), the learned token
 * stream (uint16), since version 2 the nearest-neighbour store (positions int32, keys int8),
 * and a SHA-256 of everything before it. Written to a temporary file,
 * fsynced and renamed, under a lock file, so a crash or a second window never leaves a torn
 * adapter behind.
 */
const MAGIC = Buffer.from('ONDIADPT');
/** Magic, format version and header length: the bytes before the JSON header. */
const PREAMBLE = MAGIC.length + 8;
const CHECKSUM = 32;
export const ADAPTER_FORMAT_VERSION = 2;
/** Files of this version on are read; older ones simply have no neighbour store. */
const OLDEST_READABLE_VERSION = 1;

export interface AdapterHeader {
  readonly modelId: string;
  readonly hidden: number;
  readonly rank: number;
  readonly vocab: number;
  readonly alpha?: number;
  readonly tokens: number;
  /** Rows of the neighbour store (absent before version 2). */
  readonly knn?: number;
  readonly meta: Record<string, unknown>;
}

/** A file's header, checked, with the sizes of its parts in bytes. */
export interface FileHeader extends CheckedHeader {
  readonly version: number;
  /** Bytes of the JSON header. */
  readonly headerBytes: number;
  /** Bytes the header says follow it (weights, tokens, neighbour store), without the checksum. */
  readonly payloadBytes: number;
}

export interface AdapterContents {
  readonly modelId: string;
  readonly adapter: LowRankAdapter;
  readonly tokens: Uint16Array;
  readonly knn?: KnnKeys | undefined;
  readonly meta: Record<string, unknown>;
}

export function encodeAdapter(c: AdapterContents): Buffer {
  const { hidden, rank, vocab, alpha } = c.adapter.shape;
  const knn = c.knn ?? { at: new Int32Array(0), keys: new Int8Array(0) };
  const header: AdapterHeader = {
    modelId: c.modelId,
    hidden,
    rank,
    vocab,
    alpha: alpha ?? 1,
    tokens: c.tokens.length,
    knn: knn.at.length,
    meta: c.meta,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(ADAPTER_FORMAT_VERSION, 0);
  fixed.writeUInt32LE(json.length, 4);
  const body = Buffer.concat([
    MAGIC,
    fixed,
    json,
    Buffer.from(c.adapter.a.buffer, c.adapter.a.byteOffset, c.adapter.a.byteLength),
    Buffer.from(c.adapter.b.buffer, c.adapter.b.byteOffset, c.adapter.b.byteLength),
    Buffer.from(c.tokens.buffer, c.tokens.byteOffset, c.tokens.byteLength),
    Buffer.from(knn.at.buffer, knn.at.byteOffset, knn.at.byteLength),
    Buffer.from(knn.keys.buffer, knn.keys.byteOffset, knn.keys.byteLength),
  ]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const PLAUSIBLE_VERSIONS = 255;

/**
 * Parses and verifies; any damage, a field that is out of place (adapterValidation.ts) or a
 * different base model is an AdapterFileError. `expected` is the base model's id, or the id
 * with its dimensions.
 */
function headerOf(data: Buffer, bodyLength: number, expected: string | BaseModel | undefined): FileHeader {
  const version = data.readUInt32LE(8);
  // formats are numbered 1, 2, 3…: a number far beyond is garbage, not a newer Ondi's file
  if (version > PLAUSIBLE_VERSIONS) {
    throw new AdapterFileError(`the personal model file is damaged (its format field reads ${version})`, 'version');
  }
  if (version < OLDEST_READABLE_VERSION || version > ADAPTER_FORMAT_VERSION) {
    throw new AdapterFileError(
      `unsupported personal model format ${version} (this version reads ${OLDEST_READABLE_VERSION} to ${ADAPTER_FORMAT_VERSION})`,
      'version',
    );
  }
  const jsonLength = data.readUInt32LE(12);
  if (PREAMBLE + jsonLength > bodyLength)
    throw new AdapterFileError(`the header length ${jsonLength} runs past the end of the file`, 'header');
  let raw: unknown;
  try {
    raw = JSON.parse(data.subarray(PREAMBLE, PREAMBLE + jsonLength).toString('utf8'));
  } catch {
    throw new AdapterFileError('the personal model file has an unreadable header', 'header');
  }
  const header = checkHeader(raw, version, typeof expected === 'string' ? { modelId: expected } : expected);
  return { ...header, version, headerBytes: jsonLength, payloadBytes: payloadBytes(header) };
}

export function decodeAdapter(data: Buffer, expected?: string | BaseModel): AdapterContents {
  if (data.length < PREAMBLE + CHECKSUM || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new AdapterFileError('not an Ondi personal model file');
  }
  const body = data.subarray(0, data.length - CHECKSUM);
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(data.subarray(data.length - CHECKSUM))
  ) {
    throw new AdapterFileError('the personal model file is damaged (checksum mismatch)');
  }
  const header = headerOf(data, body.length, expected);
  const { hidden, rank, vocab, alpha, tokens, rows } = header;
  const payload = body.length - PREAMBLE - header.headerBytes;
  const described = header.payloadBytes;
  if (payload !== described) {
    const sections = `${hidden}x${rank} + ${rank}x${vocab} weights, ${tokens} tokens, ${rows} neighbour rows`;
    throw new AdapterFileError(
      payload < described
        ? `the personal model file is truncated: ${payload} bytes after the header, ${described} needed for ${sections}`
        : `the personal model file has ${payload - described} bytes more than its header describes (${sections})`,
      'payload',
    );
  }
  let offset = PREAMBLE + header.headerBytes;
  /** A fresh, aligned copy of the next `bytes` bytes. */
  const take = (bytes: number): ArrayBuffer => {
    const copy = new ArrayBuffer(bytes);
    new Uint8Array(copy).set(body.subarray(offset, offset + bytes));
    offset += bytes;
    return copy;
  };
  const a = new Float32Array(take(hidden * rank * 4));
  const b = new Float32Array(take(rank * vocab * 4));
  const toks = new Uint16Array(take(tokens * 2));
  const at = new Int32Array(take(rows * 4));
  const keys = new Int8Array(take(rows * hidden));
  checkPayload(header, { a, b, tokens: toks, at });
  return {
    modelId: header.modelId,
    adapter: new LowRankAdapter({ hidden, rank, vocab, alpha }, { a, b }),
    tokens: toks,
    ...(rows > 0 ? { knn: { at, keys } } : {}),
    meta: header.meta,
  };
}

/** Reads and verifies `file`; an AdapterFileError names the file. */
export async function readAdapterFile(file: string, expected?: string | BaseModel): Promise<AdapterContents> {
  const data = await fs.readFile(file);
  try {
    return decodeAdapter(data, expected);
  } catch (error) {
    throw error instanceof AdapterFileError ? error.inFile(file) : error;
  }
}

/** A file's size and its header, checked. */
export interface HeaderRead {
  readonly header: FileHeader;
  /** The file's size in bytes. */
  readonly fileBytes: number;
}

/**
 * Reads and checks only the header of `file` (against the base model, when given): what it
 * learned and how large its parts are, without reading the payload nor verifying the
 * checksum, which readAdapterFile does. An AdapterFileError names the file.
 */
export async function readAdapterHeader(file: string, expected?: string | BaseModel): Promise<HeaderRead> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const preamble = await readAt(handle, 0, PREAMBLE);
    if (size < PREAMBLE + CHECKSUM || !preamble.subarray(0, MAGIC.length).equals(MAGIC))
      throw new AdapterFileError('not an Ondi personal model file');
    const jsonLength = preamble.readUInt32LE(12);
    const bodyLength = size - CHECKSUM;
    // a length past the end is refused by headerOf; only what exists is read
    const json = await readAt(handle, PREAMBLE, Math.max(0, Math.min(jsonLength, bodyLength - PREAMBLE)));
    return { header: headerOf(Buffer.concat([preamble, json]), bodyLength, expected), fileBytes: size };
  } catch (error) {
    throw error instanceof AdapterFileError ? error.inFile(file) : error;
  } finally {
    await handle.close();
  }
}

async function readAt(handle: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Atomic replace under a lock: temp file in the same folder, fsync, rename, fsync the folder. */
export async function writeAdapterFile(file: string, contents: AdapterContents): Promise<void> {
  const data = encodeAdapter(contents);
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  // temp name `<file>.<pid>.<time>.tmp`: the personal store clears those of dead writers
  await withLock(
    `${file}.lock`,
    () => writeFileAtomic(path.resolve(file), data, { tempName: (f) => `${f}.${process.pid}.${Date.now()}.tmp` }),
    () => new AdapterFileError(`the personal model is locked by another window (${file}.lock)`),
  );
}
