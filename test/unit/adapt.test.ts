import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { newAdamState, trainBatch, validationLoss, type TrainingPosition } from '../../src/core/adapt/adapterTrainer';
import {
  AdapterFileError,
  decodeAdapter,
  encodeAdapter,
  readAdapterFile,
  writeAdapterFile,
} from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { NgramCache } from '../../src/core/adapt/ngramCache';
import { personalModelOf } from '../../src/core/adapt/personalModel';
import { redactSecrets } from '../../src/core/privacy/redact';
import { LEGACY_MARKER } from '../../src/core/privacy/secretScan';
import { collectDocuments } from '../../src/core/adapt/workspaceDocuments';
import { tempFolder } from './fixtures/tempFolder';

const tmp = (): Promise<string> => tempFolder('ondi-adapt-');

describe('secret redaction', () => {
  it('removes key formats, assigned secrets and random-looking literals', () => {
    const src = [
      'const key = "sk-proj-AbCdEf0123456789xyzXYZ0123";',
      'aws = "AKIAIOSFODNN7EXAMPLE"',
      'password = "hunter2hunter2"',
      'const blob = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u";',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const { text, redactions } = redactSecrets(src);
    assert.ok(redactions >= 5, String(redactions));
    for (const secret of ['sk-proj-AbCdEf', 'AKIAIOSFODNN7EXAMPLE', 'hunter2', 'Zm9vYmFy', 'MIIEow'])
      assert.ok(!text.includes(secret), secret);
    assert.ok(!text.includes(LEGACY_MARKER), 'no marker the model could learn to suggest');
    assert.equal(text.split('\n').length, src.split('\n').length, 'lines holding a secret are learned empty');
  });
  it('leaves ordinary code alone', () => {
    const src =
      'const tokenizer = new Tokenizer(options);\nexport const VERSION = "1.2.3";\nconst name = "processIncomingRequestsHandler";';
    assert.deepEqual(redactSecrets(src), { text: src, redactions: 0 });
  });
});

describe("cache model of the user's code", () => {
  it('predicts what followed the longest matching context', () => {
    const cache = new NgramCache(Uint16Array.from([1, 2, 3, 4, 9, 1, 2, 3, 4, 9, 5, 6]));
    const p = cache.predict([7, 2, 3, 4]);
    assert.equal(p?.order, 3);
    assert.equal(p?.next.get(9), 1);
  });
  it('also learns from earlier in the current context', () => {
    const cache = new NgramCache(new Uint16Array(0));
    const p = cache.predict([5, 6, 7, 8, 5, 6]);
    assert.equal(p?.next.get(7), 1);
  });
  it('says nothing without a match', () => {
    assert.equal(new NgramCache(Uint16Array.from([1, 2, 3])).predict([8, 9]), undefined);
  });
});

describe('low-rank adapter', () => {
  it('starts as the base model and learns a preferred token by gradient descent', () => {
    const shape = { hidden: 8, rank: 4, vocab: 32 };
    const adapter = new LowRankAdapter(shape);
    const h = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + 1));
    const logits = new Float32Array(32);
    adapter.addTo(logits, h);
    assert.ok(
      logits.every((x) => x === 0),
      'B starts at zero',
    );
    // base model: uniform over the 32 tokens; the user always writes token 7 here
    const position: TrainingPosition = {
      hidden: h,
      hiddenOffset: 0,
      candidates: Int32Array.from([0, 1, 2, 3]),
      candidateLogits: new Float32Array(4),
      logSumExp: Math.log(32),
      target: 7,
      targetLogit: 0,
      weight: 1,
    };
    const adam = newAdamState(adapter);
    const first = trainBatch(adapter, adam, [position], 0.05);
    let last = first;
    for (let i = 0; i < 100; i++) last = trainBatch(adapter, adam, [position], 0.05);
    assert.ok(last < first / 4, `loss ${first} -> ${last}`);
    const after = new Float32Array(32);
    adapter.addTo(after, h);
    assert.equal(after.indexOf(Math.max(...after)), 7);
  });
});

describe('adapter gate', () => {
  const position = (target: number): TrainingPosition => ({
    hidden: Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)),
    hiddenOffset: 0,
    candidates: Int32Array.from([0, 1, 2, 3, 7]),
    candidateLogits: new Float32Array(5),
    logSumExp: Math.log(32),
    target,
    targetLogit: 0,
    weight: 1,
  });

  it('scores unseen positions for the base model and the adapted one', () => {
    const adapter = new LowRankAdapter({ hidden: 8, rank: 4, vocab: 32 });
    const before = validationLoss(adapter, [position(7)]);
    assert.ok(
      Math.abs(before.base - Math.log(32)) < 1e-6 && Math.abs(before.adapted - before.base) < 1e-6,
      JSON.stringify(before),
    );
    const adam = newAdamState(adapter);
    for (let i = 0; i < 50; i++) trainBatch(adapter, adam, [position(7)], 0.05);
    const learned = validationLoss(adapter, [position(7)]);
    assert.ok(learned.adapted < learned.base - 1, 'a pattern that holds is predicted better');
    const wrong = validationLoss(adapter, [position(3)]);
    assert.ok(wrong.adapted > wrong.base, 'a pattern that does not hold is predicted worse');
  });

  it('decodes without an adapter that did not prove itself, with the cache either way', () => {
    const adapter = new LowRankAdapter({ hidden: 4, rank: 2, vocab: 10 });
    const tokens = Uint16Array.from([1, 2, 3]);
    const kept = personalModelOf({ modelId: 'm', adapter, tokens, meta: { adapterApplied: true } });
    const dropped = personalModelOf({ modelId: 'm', adapter, tokens, meta: { adapterApplied: false } });
    const older = personalModelOf({ modelId: 'm', adapter, tokens, meta: {} });
    assert.equal(kept.adapter, adapter);
    assert.equal(dropped.adapter, undefined);
    assert.equal(older.adapter, adapter, 'files from before the gate keep their adapter');
    assert.ok(dropped.cache instanceof NgramCache);
  });
});

describe('personal model file', () => {
  const contents = () => {
    const adapter = new LowRankAdapter({ hidden: 4, rank: 2, vocab: 10 });
    adapter.b[3] = 0.5;
    return { modelId: 'model-a', adapter, tokens: Uint16Array.from([1, 2, 3]), meta: { files: 1 } };
  };

  it('round-trips through the versioned, checksummed format', () => {
    const back = decodeAdapter(encodeAdapter(contents()), 'model-a');
    assert.deepEqual(Array.from(back.adapter.b), Array.from(contents().adapter.b));
    assert.deepEqual(Array.from(back.tokens), [1, 2, 3]);
    assert.deepEqual(back.meta, { files: 1 });
  });
  it('refuses a damaged, truncated or foreign file with a clear error', () => {
    const data = encodeAdapter(contents());
    const flipped = Buffer.from(data);
    flipped[40] = (flipped[40] ?? 0) ^ 0xff;
    assert.throws(
      () => decodeAdapter(flipped),
      (e: unknown) => e instanceof AdapterFileError && /damaged/.test(e.message),
    );
    assert.throws(() => decodeAdapter(data.subarray(0, 20)), AdapterFileError);
    assert.throws(() => decodeAdapter(Buffer.from('hello world, not an adapter at all')), /not an Ondi personal model/);
    assert.throws(() => decodeAdapter(data, 'model-b'), /another base model/);
  });
  it('keeps the previous good file when a write dies before its rename', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'personal.ondi');
    await writeAdapterFile(file, contents());
    // a writer killed mid-save leaves only its temp file behind
    await fs.writeFile(`${file}.12345.1.tmp`, Buffer.from('half a file'));
    const back = await readAdapterFile(file, 'model-a');
    assert.deepEqual(Array.from(back.tokens), [1, 2, 3]);
    assert.deepEqual(
      (await fs.readdir(dir)).filter((f) => f.endsWith('.lock')),
      [],
    );
  });
  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'personal.ondi');
    await fs.writeFile(`${file}.lock`, '999999999');
    await writeAdapterFile(file, contents());
    assert.ok((await readAdapterFile(file)).adapter);
  });
});

describe('what may be learned from a folder', () => {
  it('skips secret files and redacts secrets in source files', async () => {
    const dir = await tmp();
    await fs.writeFile(path.join(dir, '.env'), 'API_TOKEN=supersecretvalue123\n');
    await fs.mkdir(path.join(dir, 'src'));
    await fs.writeFile(
      path.join(dir, 'src', 'client.ts'),
      'export const client = createClient({\n  apiKey: "sk-live-0123456789abcdefABCDEF99",\n});\n'.repeat(3),
    );
    await fs.writeFile(path.join(dir, 'src', 'secrets.ts'), 'export const s = "x";\n'.repeat(20));
    const { documents, redactions } = await collectDocuments(dir);
    assert.equal(documents.length, 1);
    assert.ok(redactions >= 3);
    assert.ok(!documents.some((d) => d.text.includes('sk-live') || d.text.includes('supersecretvalue')));
  });
});
