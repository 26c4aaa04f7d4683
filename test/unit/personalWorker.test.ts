import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadPersonalModel } from '../../src/core/adapt/personalStore';
import { LearningCancelledError, startMeasuring, startTraining } from '../../src/core/adapt/workerClient';
import type { WorkerEvent } from '../../src/core/adapt/workerProtocol';
import type { WorkerScript } from '../../src/core/base/threads';
import { readModelFolder } from '../../src/core/model/modelFolder';
import { tempFolder } from './fixtures/tempFolder';

const repo = path.resolve(__dirname, '../..');
const modelFolder = path.join(repo, 'models', 'ondi-code');
const script: WorkerScript = { file: path.join(repo, 'src', 'worker', 'adaptWorker.ts'), typescript: true };

/** A small workspace: the demo shop plus some of Ondi's own core, so training has many windows. */
async function workspace(): Promise<string> {
  const dir = await tempFolder('ondi-worker-');
  await fs.cp(path.join(repo, 'test', 'fixtures', 'demo-workspace'), dir, { recursive: true });
  await fs.cp(path.join(repo, 'src', 'core', 'complete'), path.join(dir, 'src', 'complete'), { recursive: true });
  await fs.writeFile(path.join(dir, '.gitignore'), 'src/complete/snippetIndex.ts\n');
  return dir;
}

const scope = (dir: string) => ({ folders: [dir], excludeGlobs: [], respectGitignore: true });

describe('the learning worker (worker_threads, its own model instance)', function () {
  this.timeout(300_000);

  it('learns a workspace plus recent edits, writes the personal model atomically and reports progress', async () => {
    const dir = await workspace();
    const out = path.join(await tempFolder('ondi-worker-store-'), 'personal.ondi');
    const events: WorkerEvent[] = [];
    const run = startTraining(
      script,
      {
        ...scope(dir),
        kind: 'train',
        modelFolder,
        outFile: out,
        recent: [
          {
            path: path.join(dir, 'src', 'cart.ts'),
            text: 'export function cartTotal(cart: Cart): Money {\n  return cart.total();\n}\n',
          },
          { path: path.join(dir, '.env'), text: 'never learned' },
        ],
        rank: 8,
        maxTokens: 6_000,
      },
      { onEvent: (e) => events.push(e) },
    );
    const meta = await run.result;
    assert.equal(meta.recentEdits, 1, 'the recent edit in an allowed file, not the one in .env');
    assert.ok(meta.files >= 3, `files: ${meta.files}`);
    assert.ok(!meta.fileList.includes('src/complete/snippetIndex.ts'), 'git-ignored files are not learned');
    assert.ok(meta.tokens > 1_000 && meta.tokens <= 6_000, `tokens: ${meta.tokens}`);
    assert.equal(meta.rank, 8);
    const learning = events.filter((e) => e.type === 'progress' && e.phase === 'learning');
    assert.ok(learning.length >= 5, 'progress per window');
    const loaded = await loadPersonalModel(out, (await readModelFolder(modelFolder)).modelId);
    assert.equal(loaded.kind, 'loaded');
    assert.equal(loaded.kind === 'loaded' && loaded.contents.adapter.shape.rank, 8);
    assert.equal(loaded.kind === 'loaded' && loaded.contents.meta['files'], meta.files);

    // measured lift on files changed after training: base and personal on the same lines
    await fs.writeFile(
      path.join(dir, 'src', 'checkout.ts'),
      "import { Cart } from './cart';\nimport { Money } from './money';\n\nexport function checkout(cart: Cart): Money {\n  const total = cart.total();\n  return total;\n}\n",
    );
    const lift = await startMeasuring(script, {
      ...scope(dir),
      kind: 'measure',
      modelFolder,
      adapterFile: out,
      samples: 4,
      seed: 0,
    }).result;
    assert.equal(lift.basis, 'unseen');
    // measured only on files the personal model did not learn: the new one among them
    assert.ok(lift.files.includes('src/checkout.ts'), `measured on ${lift.files.join(', ')}`);
    const learned = lift.files.filter((file) => meta.fileList.includes(file));
    assert.deepEqual(learned, [], 'no learned file is measured on');
    assert.ok(lift.cases > 0 && lift.cases <= 4);
    for (const m of [lift.base, lift.adapted]) assert.ok(m.em >= 0 && m.em <= 100 && m.es >= 0 && m.es <= 100);
  });

  it('holds while paused, goes on when resumed, and stops without writing when aborted', async () => {
    const dir = await workspace();
    const out = path.join(await tempFolder('ondi-worker-store-'), 'personal.ondi');
    const job = {
      ...scope(dir),
      kind: 'train' as const,
      modelFolder,
      outFile: out,
      recent: [],
      rank: 16,
      maxTokens: 8_000,
    };

    let windows = 0;
    const run = startTraining(script, job, {
      onEvent: (e) => {
        if (e.type === 'progress' && e.phase === 'learning') windows++;
      },
    });
    while (windows < 2) await new Promise((r) => setTimeout(r, 20));
    run.control.pause();
    await new Promise((r) => setTimeout(r, 300));
    const atPause = windows;
    await new Promise((r) => setTimeout(r, 1_500));
    assert.ok(windows <= atPause + 1, `no progress while paused (${atPause} -> ${windows})`);
    run.control.resume();
    await run.result;
    assert.ok(windows > atPause + 1, 'it went on after resume');

    const controller = new AbortController();
    let seen = 0;
    const aborted = startTraining(
      script,
      { ...job, outFile: `${out}.2` },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'progress' && e.phase === 'learning' && ++seen === 2) controller.abort();
        },
      },
    );
    await assert.rejects(aborted.result, LearningCancelledError);
    await assert.rejects(fs.access(`${out}.2`), 'nothing is written by an aborted run');
  });
});
