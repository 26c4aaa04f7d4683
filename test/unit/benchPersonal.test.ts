import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { readModelFolder } from '../../src/core/model/modelFolder';
import { loadTokenizer } from '../../src/core/model/tokenizer';
import { preparePersonalBench } from '../../src/cli/handlers/benchPersonal';
import { shippedModel } from '../../src/cli/paths';
import { EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/run';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, '9.9.9');
  return { code, stdout, stderr };
}

const cart =
  'export class Cart {\n  readonly lines: string[] = [];\n  add(line: string): void {\n    this.lines.push(line);\n  }\n}\n';
const order =
  'export function total(prices: number[]): number {\n  return prices.reduce((sum, price) => sum + price, 0);\n}\n';

describe('ondi bench --personal: the personal model beside the base model', function () {
  this.timeout(240_000);
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-bench-personal-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  const write = async (file: string, text: string): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), text);
  };

  it('trains on the personal folder and types only through the files it did not learn', async () => {
    await write('train/src/cart.ts', cart);
    await write('typed/src/basket.ts', cart);
    await write('typed/src/order.ts', order);
    const said: string[] = [];
    const prepared = await preparePersonalBench(path.join(root, 'typed'), path.join(root, 'train'), (t) =>
      said.push(t),
    );
    try {
      assert.equal(prepared.typedFiles, 1);
      assert.equal(prepared.leftOut, 1, 'basket.ts is cart.ts renamed');
      assert.deepEqual(await fs.readdir(path.join(prepared.typedDir, 'src')), ['order.ts']);
      assert.equal(await fs.readFile(path.join(prepared.typedDir, 'src/order.ts'), 'utf8'), order);
      assert.equal(prepared.adapt.files, 1);
      assert.ok(prepared.adapt.tokens > 10, `${prepared.adapt.tokens} tokens learned`);
      assert.ok(existsSync(prepared.file));
      assert.match(said.join(''), /typing through 1 of 2 files \(1 repeat a learned file\)/);
    } finally {
      await prepared.dispose();
    }
    assert.equal(existsSync(prepared.file), false, 'nothing is left behind');
  });

  it('refuses a typed folder that only repeats the personal folder, before training', async () => {
    await write('train/src/cart.ts', cart);
    await write('typed/src/basket.ts', cart);
    const said: string[] = [];
    await assert.rejects(
      preparePersonalBench(path.join(root, 'typed'), path.join(root, 'train'), (t) => said.push(t)),
      /every source file under .*typed repeats a file of .*train: nothing unseen to type/,
    );
    assert.doesNotMatch(said.join(''), /training/);
  });

  it('measures the shipped model with a personal model file applied by its path', async () => {
    const model = shippedModel();
    const info = await readModelFolder(model);
    const tokenizer = await loadTokenizer(model, info);
    const file = path.join(root, 'personal.ondi');
    await writeAdapterFile(file, {
      modelId: info.modelId,
      adapter: new LowRankAdapter({ hidden: info.hiddenSize, rank: 2, vocab: info.vocabSize }),
      tokens: Uint16Array.from(tokenizer.encode(cart.repeat(4))),
      meta: {},
    });
    // the typing benchmark types lines after the sixth of a file
    await write('typed/src/order.ts', cart + order + order.replace('total', 'sum'));
    const args = ['bench', '--only', 'personal', '--dir', path.join(root, 'typed'), '--keystrokes', '8', '--json'];
    const measured = await run(...args, '--adapter', file);
    assert.equal(measured.code, EXIT_OK, measured.stdout + measured.stderr);
    const out = JSON.parse(measured.stdout) as Record<string, number>;
    assert.equal(out['params'], info.params + 2 * (info.hiddenSize + info.vocabSize), 'base and adapter');
    const bytes = (await fs.stat(info.onnxFile)).size + (await fs.stat(file)).size;
    assert.equal(out['file_mb'], Math.round(bytes / 1e4) / 100, 'the model file and the personal model file');
    assert.equal(out['requests'], 8);
    for (const key of ['load_ms', 'p50_ms', 'p95_ms', 'tokens_per_s']) assert.ok((out[key] ?? 0) > 0, key);

    const missing = await run(...args);
    assert.equal(missing.code, EXIT_USAGE);
    assert.match(missing.stdout, /the personal model needs --adapter P/);
  });
});
