import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  AdapterFileError,
  decodeAdapter,
  encodeAdapter,
  readAdapterFile,
  writeAdapterFile,
  type AdapterContents,
  type BaseModel,
} from '../../src/core/adapt/adapterFile';
import { MAX_RANK } from '../../src/core/adapt/adapterValidation';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { loadPersonalModel } from '../../src/core/adapt/personalStore';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { usePersonal } from '../../src/core/engine/modelEngine';
import { request } from './fixtures/completionRequest';
import { tempFolder } from './fixtures/tempFolder';

const HIDDEN = 4;
const RANK = 2;
const VOCAB = 10;
const BASE: BaseModel = { modelId: 'model-a', hidden: HIDDEN, vocab: VOCAB };

function contents(): AdapterContents {
  const adapter = new LowRankAdapter({ hidden: HIDDEN, rank: RANK, vocab: VOCAB, alpha: 1 });
  adapter.b[3] = 0.5;
  return {
    modelId: 'model-a',
    adapter,
    tokens: Uint16Array.from([1, 2, 3, 4, 5]),
    knn: { at: Int32Array.from([0, 2]), keys: Int8Array.from([127, 0, 0, 0, 0, 127, 0, 0]) },
    meta: {
      trainedAt: '2026-01-01T00:00:00.000Z',
      seconds: 3,
      loss: null,
      tokens: 5,
      files: 1,
      fileList: ['src/a.ts'],
      recentEdits: 0,
      redactions: 0,
      rank: RANK,
      sampling: 'newest first',
      adapterApplied: true,
      validation: { tokens: 3, baseLoss: 2, adaptedLoss: 1.5, strength: 1 },
    },
  };
}

interface Sections {
  /** Byte offsets into the payload (what follows the JSON header). */
  readonly a: number;
  readonly b: number;
  readonly tokens: number;
  readonly at: number;
  readonly keys: number;
}
const SECTIONS: Sections = (() => {
  const b = HIDDEN * RANK * 4;
  const tokens = b + RANK * VOCAB * 4;
  const at = tokens + 5 * 2;
  return { a: 0, b, tokens, at, keys: at + 2 * 4 };
})();

/**
 * The writer's bytes with the header and/or payload changed and the checksum computed again,
 * so that only the validation of the fields can catch what was changed.
 */
function craft(
  change: { header?: (h: Record<string, unknown>) => unknown; payload?: (p: Buffer) => Buffer; version?: number },
  from = encodeAdapter(contents()),
): Buffer {
  const jsonLength = from.readUInt32LE(12);
  const header = JSON.parse(from.subarray(16, 16 + jsonLength).toString('utf8')) as Record<string, unknown>;
  const json = Buffer.from(JSON.stringify(change.header ? change.header(header) : header), 'utf8');
  const payload = Buffer.from(from.subarray(16 + jsonLength, from.length - 32));
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(change.version ?? from.readUInt32LE(8), 0);
  fixed.writeUInt32LE(json.length, 4);
  const body = Buffer.concat([from.subarray(0, 8), fixed, json, change.payload ? change.payload(payload) : payload]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const withHeader = (patch: (h: Record<string, unknown>) => unknown): Buffer => craft({ header: patch });
const withMeta = (patch: Record<string, unknown>): Buffer =>
  craft({ header: (h) => ({ ...h, meta: { ...(h['meta'] as object), ...patch } }) });
const withPayload = (patch: (p: Buffer) => void): Buffer =>
  craft({
    payload: (p) => {
      patch(p);
      return p;
    },
  });

/** Decoding `data` fails with an AdapterFileError about `field` whose message matches `message`. */
function rejects(data: Buffer, field: string, message: RegExp, base: BaseModel | string = BASE): void {
  assert.throws(
    () => decodeAdapter(data, base),
    (e: unknown) => {
      assert.ok(e instanceof AdapterFileError, `an AdapterFileError, not ${String(e)}`);
      assert.equal(e.field, field, e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

const tmp = (): Promise<string> => tempFolder('ondi-validate-');

describe('personal model file validation (valid checksum, fields out of place)', () => {
  it("reads the writer's file, also when crafted without a change", () => {
    const back = decodeAdapter(craft({}), BASE);
    assert.deepEqual(Array.from(back.tokens), [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(back.knn?.at ?? []), [0, 2]);
    assert.equal(back.adapter.b[3], 0.5);
  });

  it('refuses NaN and infinite weights in A and in B', () => {
    rejects(
      withPayload((p) => p.writeFloatLE(NaN, SECTIONS.a + 4 * 5)),
      'a[5]',
      /a\[5\] is NaN.*finite/,
    );
    rejects(
      withPayload((p) => p.writeFloatLE(-Infinity, SECTIONS.a)),
      'a[0]',
      /-Infinity/,
    );
    rejects(
      withPayload((p) => p.writeFloatLE(NaN, SECTIONS.b + 4 * 3)),
      'b[3]',
      /b\[3\] is NaN/,
    );
    rejects(
      withPayload((p) => p.writeFloatLE(Infinity, SECTIONS.b + 4 * (RANK * VOCAB - 1))),
      `b[${RANK * VOCAB - 1}]`,
      /is Infinity/,
    );
  });

  it('refuses a rank or shape that does not fit the payload, the limits or the base model', () => {
    rejects(
      withHeader((h) => ({ ...h, rank: 3, meta: {} })),
      'payload',
      /truncated.*4x3 \+ 3x10 weights/,
    );
    rejects(
      withHeader((h) => ({ ...h, rank: 1, meta: {} })),
      'payload',
      /bytes more than its header describes/,
    );
    rejects(
      withHeader((h) => ({ ...h, rank: 0 })),
      'header.rank',
      /positive integer, not 0/,
    );
    rejects(
      withHeader((h) => ({ ...h, rank: 2.5 })),
      'header.rank',
      /positive integer, not 2\.5/,
    );
    rejects(
      withHeader((h) => ({ ...h, vocab: 70_000 })),
      'header.vocab',
      /70000, more than the 65536 token ids/,
    );
    const big = new LowRankAdapter({ hidden: HIDDEN, rank: MAX_RANK + 1, vocab: VOCAB });
    rejects(
      encodeAdapter({ ...contents(), adapter: big, meta: {} }),
      'header.rank',
      new RegExp(`is ${MAX_RANK + 1}, more than the largest rank`),
    );
    const wide = new LowRankAdapter({ hidden: 8, rank: RANK, vocab: VOCAB });
    rejects(
      encodeAdapter({ ...contents(), adapter: wide, knn: undefined }),
      'header.hidden',
      /is 8 but the base model's hidden size is 4/,
    );
    const small = new LowRankAdapter({ hidden: HIDDEN, rank: RANK, vocab: 6 });
    rejects(
      encodeAdapter({ ...contents(), adapter: small }),
      'header.vocab',
      /is 6 but the base model's vocabulary has 10 tokens/,
    );
  });

  it('refuses token ids outside the vocabulary, including -1 (stored as 65535)', () => {
    rejects(
      withPayload((p) => p.writeUInt16LE(VOCAB, SECTIONS.tokens + 2 * 4)),
      'tokens[4]',
      /is 10, outside the vocabulary of 10 tokens/,
    );
    rejects(
      withPayload((p) => p.writeInt16LE(-1, SECTIONS.tokens)),
      'tokens[0]',
      /is 65535, outside the vocabulary/,
    );
  });

  it('refuses a header or meta that is null, lacks a field or has a field of the wrong type', () => {
    rejects(
      withHeader((h) => ({ ...h, meta: null })),
      'header.meta',
      /must be an object, not null/,
    );
    rejects(
      withHeader((h) => ({ ...h, meta: [] })),
      'header.meta',
      /must be an object, not \[\]/,
    );
    rejects(
      withHeader(({ meta: _, ...h }) => h),
      'header.meta',
      /must be an object, not missing/,
    );
    rejects(
      withHeader(({ hidden: _, ...h }) => h),
      'header.hidden',
      /positive integer, not missing/,
    );
    rejects(
      withHeader(({ modelId: _, ...h }) => h),
      'header.modelId',
      /non-empty string, not missing/,
    );
    rejects(
      withHeader(({ knn: _, ...h }) => h),
      'header.knn',
      /whole number of at least 0, not missing/,
    );
    rejects(
      withHeader(({ alpha: _, ...h }) => h),
      'header.alpha',
      /positive number, not missing/,
    );
    rejects(
      withHeader((h) => ({ ...h, modelId: 7 })),
      'header.modelId',
      /not 7/,
    );
    rejects(
      withHeader((h) => ({ ...h, hidden: '4' })),
      'header.hidden',
      /positive integer, not "4"/,
    );
    rejects(
      withHeader((h) => ({ ...h, tokens: -5 })),
      'header.tokens',
      /at least 0, not -5/,
    );
    rejects(
      withHeader((h) => ({ ...h, alpha: null })),
      'header.alpha',
      /positive number, not null/,
    );
    rejects(
      withHeader(() => null),
      'header',
      /must be a JSON object, not null/,
    );
    rejects(withMeta({ trainedAt: 5 }), 'header.meta.trainedAt', /must be a string, not 5/);
    rejects(withMeta({ fileList: 'src/a.ts' }), 'header.meta.fileList', /a list of strings/);
    rejects(withMeta({ fileList: ['a', 3] }), 'header.meta.fileList', /a list of strings/);
    rejects(withMeta({ adapterApplied: 'yes' }), 'header.meta.adapterApplied', /must be a boolean/);
    rejects(withMeta({ seconds: '3' }), 'header.meta.seconds', /must be a number, not "3"/);
    rejects(withMeta({ validation: { tokens: 3, baseLoss: 'x' } }), 'header.meta.validation', /object of numbers/);
    rejects(withMeta({ tokens: 6 }), 'header.meta.tokens', /is 6 but the file holds only 5/);
    rejects(withMeta({ rank: 16 }), 'header.meta.rank', /is 16 but the file holds 2/);
  });

  it('refuses a truncated or inconsistent neighbour store', () => {
    const lastRowCut = (p: Buffer): Buffer => p.subarray(0, p.length - HIDDEN);
    rejects(
      craft({ payload: lastRowCut }),
      'payload',
      /truncated: \d+ bytes after the header, \d+ needed for .*2 neighbour rows/,
    );
    rejects(
      withHeader((h) => ({ ...h, knn: 3 })),
      'payload',
      /truncated/,
    );
    rejects(
      withPayload((p) => p.writeInt32LE(-1, SECTIONS.at)),
      'knn.at[0]',
      /is -1: the neighbour store holds rising positions from 0 to 3/,
    );
    rejects(
      withPayload((p) => p.writeInt32LE(4, SECTIONS.at + 4)),
      'knn.at[1]',
      /is 4: the neighbour store/,
    );
    rejects(
      withPayload((p) => p.writeInt32LE(0, SECTIONS.at + 4)),
      'knn.at[1]',
      /is 0: the neighbour store holds rising positions/,
    );
  });

  it('refuses an unknown format version and a header length past the end', () => {
    rejects(craft({ version: 3 }), 'version', /unsupported personal model format 3 \(this version reads 1 to 2\)/);
    rejects(craft({ version: 256 }), 'version', /damaged \(its format field reads 256\)/);
    const data = craft({});
    data.writeUInt32LE(data.length, 12);
    const body = data.subarray(0, data.length - 32);
    createHash('sha256')
      .update(body)
      .digest()
      .copy(data, data.length - 32);
    rejects(data, 'header', /header length \d+ runs past the end of the file/);
  });

  it('still refuses a flipped byte by its checksum and a file for other weights by its id', () => {
    const flipped = Buffer.from(craft({}));
    flipped[40] = (flipped[40] ?? 0) ^ 0xff;
    assert.throws(() => decodeAdapter(flipped, BASE), /damaged \(checksum mismatch\)/);
    assert.throws(() => decodeAdapter(craft({}), { ...BASE, modelId: 'model-b' }), /trained for another base model/);
  });

  it('names the file and the field when reading from disk, and the store sets such a file aside', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'personal.ondi');
    await writeAdapterFile(file, contents());
    const written = await fs.readFile(file);
    await fs.writeFile(file, craft({ payload: (p) => (p.writeFloatLE(NaN, SECTIONS.b), p) }, written));
    await assert.rejects(readAdapterFile(file, BASE), (e: unknown) => {
      assert.ok(e instanceof AdapterFileError);
      assert.equal(e.message, `${file}: b[0] is NaN: the adapter's weights must be finite numbers`);
      assert.equal(e.file, file);
      assert.equal(e.field, 'b[0]');
      return true;
    });
    const loaded = await loadPersonalModel(file, BASE);
    assert.deepEqual(loaded, {
      kind: 'discarded',
      reason: "b[0] is NaN: the adapter's weights must be finite numbers",
    });
    await assert.rejects(fs.access(file), 'the file is deleted, to be learned again');
    assert.deepEqual(await loadPersonalModel(file, BASE), { kind: 'none' });

    await fs.writeFile(file, craft({ header: (h) => ({ ...h, meta: null }) }, written));
    const nullMeta = await loadPersonalModel(file, BASE);
    assert.deepEqual(nullMeta, { kind: 'discarded', reason: 'header.meta must be an object, not null' });
  });
});

describe('applying a personal model shaped for another model', () => {
  let engine: LoadedEngine;
  before(async () => {
    engine = await loadEngine(path.resolve(__dirname, '../../models/ondi-code'), { threads: 1 });
  });
  after(() => engine.dispose());

  it('is refused with the field named, and completions go on with the base model', async () => {
    const { hiddenSize, vocabSize, modelId } = engine.info;
    const prompt = request('import numpy as np\nimport matplotlib.pyplot as');
    const base = (await engine.pipeline.complete(prompt, new AbortController().signal))?.text;
    const good = {
      modelId,
      adapter: new LowRankAdapter({ hidden: hiddenSize, rank: RANK, vocab: vocabSize }),
      tokens: Uint16Array.from([1, 2, 3]),
      meta: {},
    };
    usePersonal(engine, good);
    assert.ok(engine.pipeline.personal, 'a fitting personal model is applied');
    const narrow = { ...good, adapter: new LowRankAdapter({ hidden: 8, rank: RANK, vocab: vocabSize }) };
    assert.throws(
      () => usePersonal(engine, narrow),
      (e: unknown) =>
        e instanceof AdapterFileError &&
        e.field === 'header.hidden' &&
        new RegExp(`hidden size 8 .* the base model has ${hiddenSize}`).test(e.message),
    );
    assert.equal(engine.pipeline.personal, undefined, 'the previous personal model is taken out too');
    assert.equal((await engine.pipeline.complete(prompt, new AbortController().signal))?.text, base);
  });
});
