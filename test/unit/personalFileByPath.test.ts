import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AdapterFileError,
  readAdapterFile,
  readAdapterHeader,
  writeAdapterFile,
  type AdapterContents,
} from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import type { PersonalSlot } from '../../src/core/engine/lifecycle';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { loadPersonalFile } from '../../src/core/engine/loadPersonalFile';
import { applyPersonal } from '../../src/core/engine/modelEngine';
import { request } from './fixtures/completionRequest';

const SHIPPED = path.resolve(__dirname, '../../models/ondi-code');

function contents(modelId: string, hidden: number, vocab: number): AdapterContents {
  const adapter = new LowRankAdapter({ hidden, rank: 2, vocab, alpha: 1 });
  adapter.b[3] = 0.5;
  return {
    modelId,
    adapter,
    tokens: Uint16Array.from([1, 2, 3, 4, 5]),
    knn: { at: Int32Array.from([0, 2]), keys: new Int8Array(2 * hidden).fill(3) },
    meta: { trainedAt: '2026-01-01T00:00:00.000Z', tokens: 5, rank: 2, files: 1, adapterApplied: true },
  };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

describe('reading only the header of a personal model file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-header-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('gives what the file learned and the sizes of its parts', async () => {
    const file = path.join(dir, 'personal.ondi');
    await writeAdapterFile(file, contents('model-a', 4, 10));
    const { header, fileBytes } = await readAdapterHeader(file, { modelId: 'model-a', hidden: 4, vocab: 10 });
    assert.equal(fileBytes, (await fs.stat(file)).size);
    assert.equal(header.modelId, 'model-a');
    assert.deepEqual([header.version, header.hidden, header.rank, header.vocab], [2, 4, 2, 10]);
    assert.deepEqual([header.tokens, header.rows], [5, 2]);
    assert.equal(header.meta['trainedAt'], '2026-01-01T00:00:00.000Z');
    assert.equal(header.payloadBytes, (4 * 2 + 2 * 10) * 4 + 5 * 2 + 2 * 4 + 2 * 4);
    assert.equal(
      fileBytes,
      16 + header.headerBytes + header.payloadBytes + 32,
      'magic and lengths, header, payload, checksum',
    );
  });

  it('does not read the payload: a valid header before a truncated payload still gives the header', async () => {
    const file = path.join(dir, 'personal.ondi');
    await writeAdapterFile(file, contents('model-a', 4, 10));
    const whole = await fs.readFile(file);
    const jsonEnd = 16 + whole.readUInt32LE(12);
    // the header, 3 bytes of the payload and room for no more than a checksum's worth of anything
    await fs.writeFile(file, Buffer.concat([whole.subarray(0, jsonEnd + 3), Buffer.alloc(32)]));
    const { header } = await readAdapterHeader(file, 'model-a');
    assert.equal(header.tokens, 5);
    assert.equal(header.payloadBytes, whole.length - jsonEnd - 32);
    await assert.rejects(readAdapterFile(file, 'model-a'), AdapterFileError, 'the full read refuses it');
  });

  it('calls a file with the magic and then garbage damaged, not a newer format', async () => {
    const file = path.join(dir, 'personal.ondi');
    await fs.writeFile(file, Buffer.concat([Buffer.from('ONDIADPT'), Buffer.alloc(4000, 7)]));
    await assert.rejects(
      readAdapterHeader(file, 'model-a'),
      /personal model file is damaged \(its format field reads 117901063\)/,
    );
  });

  it('checks the header against the base model and names the file and the field', async () => {
    const file = path.join(dir, 'personal.ondi');
    await writeAdapterFile(file, contents('model-a', 4, 10));
    await assert.rejects(readAdapterHeader(file, { modelId: 'model-b' }), (e: unknown) => {
      assert.ok(e instanceof AdapterFileError);
      assert.equal(e.field, 'header.modelId');
      assert.equal(e.file, file);
      return true;
    });
    await assert.rejects(
      readAdapterHeader(file, { modelId: 'model-a', hidden: 8 }),
      (e: unknown) => e instanceof AdapterFileError && e.field === 'header.hidden',
    );
  });

  it('refuses what is not a personal model file and a header length past the end', async () => {
    const other = path.join(dir, 'notes.txt');
    await fs.writeFile(other, 'just some text that is long enough to have a header and a checksum');
    await assert.rejects(readAdapterHeader(other), /not an Ondi personal model file/);
    const file = path.join(dir, 'personal.ondi');
    await writeAdapterFile(file, contents('model-a', 4, 10));
    const data = await fs.readFile(file);
    data.writeUInt32LE(data.length, 12);
    await fs.writeFile(file, data);
    await assert.rejects(
      readAdapterHeader(file),
      (e: unknown) => e instanceof AdapterFileError && e.field === 'header' && /runs past the end/.test(e.message),
    );
  });
});

/** A slot that notes what it is asked to apply; `refuse` makes it answer as an engine that refuses the file. */
function fakeSlot(refuse?: Error): PersonalSlot & { readonly applied: (string | undefined)[] } {
  const applied: (string | undefined)[] = [];
  return {
    modelId: 'model-a',
    shape: { hidden: 4, vocab: 10 },
    applied,
    apply(file) {
      applied.push(file);
      return file !== undefined && refuse ? Promise.reject(refuse) : Promise.resolve();
    },
  };
}

describe('loading the personal model into the engine from the host', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-load-personal-'));
    file = path.join(dir, 'personal.ondi');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('sends the engine the path and keeps the header for what it shows', async () => {
    await writeAdapterFile(file, contents('model-a', 4, 10));
    const slot = fakeSlot();
    const loaded = await loadPersonalFile(slot, file);
    assert.equal(loaded.kind, 'loaded');
    assert.equal(loaded.kind === 'loaded' && loaded.header.tokens, 5);
    assert.deepEqual(slot.applied, [file]);
  });

  it('takes the personal model out when there is no file', async () => {
    const slot = fakeSlot();
    assert.deepEqual(await loadPersonalFile(slot, file), { kind: 'none' });
    assert.deepEqual(slot.applied, [undefined]);
  });

  it('sets aside a file whose header does not fit, without asking the engine to read it', async () => {
    await writeAdapterFile(file, contents('other-weights', 4, 10));
    const slot = fakeSlot();
    assert.deepEqual(await loadPersonalFile(slot, file), {
      kind: 'discarded',
      reason: 'the personal model was trained for another base model',
    });
    assert.deepEqual(slot.applied, [undefined], 'the base model alone');
    assert.equal(await exists(file), false, 'deleted, to be learned again');
  });

  it('sets aside a file the engine refuses, with the reason the engine gave', async () => {
    await writeAdapterFile(file, contents('model-a', 4, 10));
    const slot = fakeSlot(
      new AdapterFileError("b[0] is NaN: the adapter's weights must be finite numbers", 'b[0]', file),
    );
    assert.deepEqual(await loadPersonalFile(slot, file), {
      kind: 'discarded',
      reason: "b[0] is NaN: the adapter's weights must be finite numbers",
    });
    assert.equal(await exists(file), false);
  });

  it('keeps the file when the engine fails for another reason (it stopped)', async () => {
    await writeAdapterFile(file, contents('model-a', 4, 10));
    await assert.rejects(loadPersonalFile(fakeSlot(new Error('the completion worker exited')), file), /exited/);
    assert.equal(await exists(file), true);
  });
});

describe('applying a personal model file by its path', function () {
  this.timeout(120_000);
  let engine: LoadedEngine;
  let dir: string;
  const prompt = request('import numpy as np\nimport matplotlib.pyplot as');
  const complete = async () => (await engine.pipeline.complete(prompt, new AbortController().signal))?.text;

  before(async () => {
    engine = await loadEngine(SHIPPED, { threads: 1 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-apply-personal-'));
  });
  after(async () => {
    await engine?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, c: AdapterContents): Promise<string> => {
    const file = path.join(dir, name);
    await writeAdapterFile(file, c);
    return file;
  };
  const fitting = () => contents(engine.info.modelId, engine.info.hiddenSize, engine.info.vocabSize);

  it('applies every part of a fitting file, or the parts asked for, and removes it again', async () => {
    const base = await complete();
    const file = await write('good.ondi', fitting());
    const applied = await applyPersonal(engine, file);
    const kinds = () => engine.pipeline.personal?.processors.map((p) => p.constructor.name);
    assert.deepEqual(kinds(), ['AdapterProcessor', 'CacheProcessor', 'KnnProcessor']);
    assert.ok(engine.pipeline.personal?.snippets);
    assert.equal(typeof applied.snippetWindows, 'number');
    await applyPersonal(engine, file, ['cache']);
    assert.deepEqual(kinds(), ['CacheProcessor']);
    assert.equal(engine.pipeline.personal?.snippets, undefined);
    await applyPersonal(engine, undefined);
    assert.equal(engine.pipeline.personal, undefined);
    assert.equal(await complete(), base);
  });

  it('reports a bad file, naming it and the field, and completes with the base model', async () => {
    const base = await complete();
    await applyPersonal(engine, await write('good.ondi', fitting()));
    assert.ok(engine.pipeline.personal);
    const broken = fitting();
    broken.adapter.b[0] = Number.NaN;
    const bad = await write('bad.ondi', broken);
    await assert.rejects(applyPersonal(engine, bad), (e: unknown) => {
      assert.ok(e instanceof AdapterFileError);
      assert.equal(e.file, bad);
      assert.equal(e.field, 'b[0]');
      return true;
    });
    assert.equal(engine.pipeline.personal, undefined, 'the previous personal model is taken out too');
    assert.equal(await complete(), base);

    const narrow = await write('narrow.ondi', contents(engine.info.modelId, 8, engine.info.vocabSize));
    await assert.rejects(
      applyPersonal(engine, narrow),
      (e: unknown) => e instanceof AdapterFileError && e.field === 'header.hidden',
    );
    await assert.rejects(applyPersonal(engine, path.join(dir, 'missing.ondi')), { code: 'ENOENT' });
    assert.equal(engine.pipeline.personal, undefined);
    assert.equal(await complete(), base);
  });
});
