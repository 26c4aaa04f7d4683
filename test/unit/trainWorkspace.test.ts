import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readAdapterFile } from '../../src/core/adapt/adapterFile';
import { LearningControl } from '../../src/core/adapt/learningControl';
import { learnedMetaOf } from '../../src/core/adapt/personalStore';
import type { WorkerEvent } from '../../src/core/adapt/workerProtocol';
import { EXIT_OK, runCli } from '../../src/cli/run';
import { shippedModel } from '../../src/cli/paths';
import { runTrainJob } from '../../src/worker/adaptJob';
import { trainWorkspace } from '../../src/core/adapt/trainWorkspace';
import { collectWorkspace } from '../../src/core/adapt/workspaceSources';
import { loadEngine } from '../../src/core/engine/load';
import { tempFolder } from './fixtures/tempFolder';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, '9.9.9');
  return { code, stdout, stderr };
}

/** Three files of different ages, one ignored by .gitignore, one never learned, a secret in .env. */
async function folder(): Promise<string> {
  const dir = await tempFolder('ondi-train-ws-');
  await fs.mkdir(path.join(dir, 'src'));
  const write = async (name: string, text: string, ageSeconds: number): Promise<void> => {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    const at = new Date(Date.now() - ageSeconds * 1000);
    await fs.utimes(file, at, at);
  };
  await write('.gitignore', 'build.ts\n', 0);
  await write('.env', 'API_TOKEN=zq81secretvalue\n', 0);
  await write(
    'src/cart.ts',
    'export class Cart {\n  readonly lines: string[] = [];\n  add(line: string): void {\n    this.lines.push(line);\n  }\n}\n',
    300,
  );
  await write(
    'src/money.ts',
    'export function cents(amount: number): number {\n  return Math.round(amount * 100);\n}\n',
    200,
  );
  await write('src/client.ts', "export const token = 'zq81secretvalue';\nexport const retries = 3;\n", 100);
  await write('build.ts', 'export const built = true;\n', 0);
  await write('secrets.ts', 'export const hidden = 1;\n', 0);
  return dir;
}

describe('one training for the worker, ondi adapt and ondi eval --train', function () {
  this.timeout(240_000);

  it('learns the same files and tokens from the same folder, and records one metadata shape', async () => {
    const dir = await folder();
    const out = await tempFolder('ondi-train-out-');

    const cli = await run('adapt', '--dir', dir, '--out', path.join(out, 'cli.ondi'), '--json');
    assert.equal(cli.code, EXIT_OK, cli.stderr);
    const cliMeta = learnedMetaOf(await readAdapterFile(path.join(out, 'cli.ondi')));

    const events: WorkerEvent[] = [];
    const workerMeta = await runTrainJob(
      {
        kind: 'train',
        folders: [dir],
        excludeGlobs: [],
        respectGitignore: true,
        modelFolder: shippedModel(),
        outFile: path.join(out, 'worker.ondi'),
        recent: [],
        rank: 16,
        maxTokens: 100_000,
        control: new LearningControl().buffer,
      },
      (e) => events.push(e),
    );
    const stored = await readAdapterFile(path.join(out, 'worker.ondi'));

    // new code, and a copy of a learned file under another name, which the protocol leaves out
    const unseen = await tempFolder('ondi-train-test-');
    await fs.writeFile(
      path.join(unseen, 'order.ts'),
      'export function total(prices: number[]): number {\n  return prices.reduce((sum, p) => sum + p, 0);\n}\n',
    );
    await fs.copyFile(path.join(dir, 'src/cart.ts'), path.join(unseen, 'basket.ts'));
    const evaluated = await run(
      'eval',
      'completion',
      '--test',
      unseen,
      '--train',
      dir,
      '--personal',
      'cache',
      '--samples',
      '5',
      '--json',
    );
    assert.equal(evaluated.code, EXIT_OK, evaluated.stderr);
    const scored = JSON.parse(evaluated.stdout) as { adapt: { tokens: number }; left_out: number };
    const evalTokens = scored.adapt.tokens;
    assert.equal(scored.left_out, 1, 'the renamed copy of cart.ts');
    assert.match(
      evaluated.stderr,
      /left out 1 of 2 test files[^\n]*\n {2}basket\.ts repeats src\/cart\.ts \(100% of its lines\)/,
    );

    assert.deepEqual(cliMeta.fileList, ['src/client.ts', 'src/money.ts', 'src/cart.ts'], 'newest first, rules kept');
    assert.deepEqual(workerMeta.fileList, cliMeta.fileList);
    assert.equal(workerMeta.tokens, cliMeta.tokens);
    assert.equal(evalTokens, cliMeta.tokens);
    assert.equal(cliMeta.redactions, 1, 'the .env value is redacted');
    assert.equal(workerMeta.redactions, 1);
    assert.deepEqual(Object.keys(stored.meta).sort(), Object.keys(learnedMetaOf(stored)).sort(), 'the worker: full');
    const cliHeader = (await readAdapterFile(path.join(out, 'cli.ondi'))).meta;
    assert.deepEqual(Object.keys(cliHeader).sort(), Object.keys(stored.meta).sort(), 'one shape');
    assert.equal(cliHeader['createdAt'], undefined);
    assert.ok(Number.isFinite(Date.parse(String(cliHeader['trainedAt']))));
  });

  it('fills the same token budget newest first from the CLI and the worker', async () => {
    const dir = await folder();
    const out = await tempFolder('ondi-train-out-');
    const cli = await run('adapt', '--dir', dir, '--out', path.join(out, 'cli.ondi'), '--max-tokens', '30', '--json');
    assert.equal(cli.code, EXIT_OK, cli.stderr);
    const cliMeta = learnedMetaOf(await readAdapterFile(path.join(out, 'cli.ondi')));
    const workerMeta = await runTrainJob(
      {
        kind: 'train',
        folders: [dir],
        excludeGlobs: [],
        respectGitignore: true,
        modelFolder: shippedModel(),
        outFile: path.join(out, 'worker.ondi'),
        recent: [],
        rank: 16,
        maxTokens: 30,
        control: new LearningControl().buffer,
      },
      () => undefined,
    );
    assert.equal(cliMeta.tokens, 30);
    assert.equal(workerMeta.tokens, 30);
    assert.deepEqual(workerMeta.fileList, cliMeta.fileList);
    assert.ok(cliMeta.fileList.length < 3, `the budget keeps the newest files (${cliMeta.fileList.join(', ')})`);
    assert.equal(cliMeta.fileList[0], 'src/client.ts');
  });

  it('lets the cache read past the learned budget: the learned tokens first, then the next newest files', async () => {
    const dir = await folder();
    const engine = await loadEngine(shippedModel());
    try {
      const workspace = await collectWorkspace({ folders: [dir], excludeGlobs: [], respectGitignore: true });
      const only = await trainWorkspace(workspace, engine, { maxTokens: 30 });
      const wider = await trainWorkspace(workspace, engine, { maxTokens: 30, cacheTokens: 10_000 });
      assert.equal(only.meta.tokens, 30);
      assert.equal(wider.meta.tokens, 30, 'what is learned does not change');
      assert.deepEqual(wider.meta.fileList, only.meta.fileList);
      assert.deepEqual(only.trained.stream, only.trained.tokens);
      assert.deepEqual(Array.from(wider.trained.stream.subarray(0, 30)), Array.from(only.trained.tokens));
      assert.ok(wider.trained.stream.length > 60, `${wider.trained.stream.length} tokens: every allowed file is read`);
      assert.ok(!engine.tokenizer.decode(Array.from(wider.trained.stream)).includes('zq81secretvalue'));
      assert.deepEqual(Array.from(wider.trained.adapter?.b ?? []), Array.from(only.trained.adapter?.b ?? []));
    } finally {
      await engine.dispose();
    }
  });
});
