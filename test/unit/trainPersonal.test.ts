import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { trainPersonal } from '../../src/core/adapt/trainPersonal';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';

const SHIPPED = path.resolve(__dirname, '../../models/ondi-code');

describe('training the personal adapter', function () {
  this.timeout(60000);
  let engine: LoadedEngine;
  before(async () => {
    engine = await loadEngine(SHIPPED, { threads: 2 });
  });
  after(async () => {
    await engine?.dispose();
  });

  const file = (name: string, n: number) => ({
    text: Array.from(
      { length: n },
      (_, i) => `export function ${name}${i}(x: number): number {\n  return x * ${i} + ${name.length};\n}\n`,
    ).join('\n'),
    weight: 1,
  });

  it('checks the adapter on the newest file before learning it, and learns every file', async () => {
    // newest first, as workspace documents come
    const docs = [file('newest', 6), file('older', 12), file('oldest', 12)];
    const newestTokens = engine.tokenizer.encode(docs[0]!.text).length + 1; // with its separator
    const progress: [number, number][] = [];
    const trained = await trainPersonal(engine.model, engine.tokenizer, docs, {
      rank: 4,
      windowTokens: 64,
      validationShare: 0.1,
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.ok(trained.validation, 'a validation was made');
    assert.equal(trained.validation.tokens, newestTokens - 1, 'every position of the newest file, and only those');
    assert.ok(Number.isFinite(trained.validation.baseLoss) && Number.isFinite(trained.validation.adaptedLoss));
    assert.equal(trained.useAdapter, trained.validation.adaptedLoss < trained.validation.baseLoss - 0.01);
    assert.ok([1, 0.5, 0.25].includes(trained.validation.strength), 'the strength that did best on the held-out file');
    assert.equal(trained.documents, 3);
    const last = progress[progress.length - 1];
    assert.ok(last && last[0] === last[1], `progress ends complete: ${JSON.stringify(last)}`);
  });

  it('has nothing to check a single file against and keeps the adapter', async () => {
    const trained = await trainPersonal(engine.model, engine.tokenizer, [file('only', 8)], {
      rank: 4,
      windowTokens: 64,
    });
    assert.equal(trained.validation, undefined);
    assert.equal(trained.useAdapter, true);
  });
});
