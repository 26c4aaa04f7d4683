import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { loadPersonalModel, personalModelFile } from '../../src/core/adapt/personalStore';
import { tempFolder } from './fixtures/tempFolder';

const ADAPTER_FILE_MODULE = path.resolve(__dirname, '../../src/core/adapt/adapterFile.ts');
const ADAPTER_MODULE = path.resolve(__dirname, '../../src/core/adapt/lowRankAdapter.ts');
const MODEL_ID = 'base-weights';
/** The shipped model's shape: a write takes long enough to be killed in the middle. */
const SHAPE = { hidden: 384, rank: 16, vocab: 16384 };

/** A process that saves generation after generation of the personal model, as fast as it can. */
function startWriter(file: string) {
  const code = `
    const { writeAdapterFile } = require(${JSON.stringify(ADAPTER_FILE_MODULE)});
    const { LowRankAdapter } = require(${JSON.stringify(ADAPTER_MODULE)});
    (async () => {
      for (let generation = 1; ; generation++) {
        const adapter = new LowRankAdapter(${JSON.stringify(SHAPE)}, undefined, generation);
        adapter.b.fill(generation);
        const tokens = new Uint16Array(100000).fill(generation);
        process.stdout.write('writing ' + generation + '\\n');
        await writeAdapterFile(${JSON.stringify(file)}, { modelId: ${JSON.stringify(MODEL_ID)}, adapter, tokens, meta: { generation } });
      }
    })();`;
  return spawn(process.execPath, ['--require', 'tsx/cjs', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('the personal model survives a kill during its save', function () {
  this.timeout(120_000);

  it('always leaves a complete model to load: the previous good one or a newer one, never a torn file', async () => {
    const dir = await tempFolder('ondi-kill-');
    const file = personalModelFile(dir, ['/workspace']);
    const first = new LowRankAdapter(SHAPE);
    await writeAdapterFile(file, {
      modelId: MODEL_ID,
      adapter: first,
      tokens: new Uint16Array(10),
      meta: { generation: 0 },
    });
    const generations = new Set<number>();
    for (const killAfterMs of [5, 40, 90, 150, 260, 3000]) {
      const writer = startWriter(file);
      let started = false;
      writer.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('writing')) started = true;
      });
      // once it is writing, kill it without warning at a different moment each round
      while (!started) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, killAfterMs));
      writer.kill('SIGKILL');
      await new Promise((r) => writer.once('exit', r));

      // the next start
      const loaded = await loadPersonalModel(file, MODEL_ID);
      assert.equal(loaded.kind, 'loaded', `after a kill ${killAfterMs} ms into writing: ${JSON.stringify(loaded)}`);
      if (loaded.kind !== 'loaded') return;
      const generation = Number(loaded.contents.meta['generation']);
      generations.add(generation);
      assert.equal(
        loaded.contents.adapter.b[0],
        generation === 0 ? 0 : generation,
        'the matrices belong to the header',
      );
      const leftovers = (await fs.readdir(path.dirname(file))).filter((n) => n.endsWith('.tmp'));
      assert.deepEqual(leftovers, [], 'no temporary file of the dead writer stays behind');
    }
    // and a save after the kills goes through: the dead writer's lock does not block it
    const started = Date.now();
    await writeAdapterFile(file, {
      modelId: MODEL_ID,
      adapter: first,
      tokens: new Uint16Array(3),
      meta: { generation: 'after' },
    });
    assert.ok(Date.now() - started < 10_000, 'the stale lock was taken over');
    const last = await loadPersonalModel(file, MODEL_ID);
    assert.equal(last.kind === 'loaded' && last.contents.meta['generation'], 'after');
    assert.ok(
      [...generations].some((g) => g > 0),
      `saves went through between the kills (loaded generations ${[...generations].join(', ')})`,
    );
  });
});
