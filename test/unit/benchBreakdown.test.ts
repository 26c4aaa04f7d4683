import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { readModelFolder } from '../../src/core/model/modelFolder';
import { loadTokenizer } from '../../src/core/model/tokenizer';
import { partsOption } from '../../src/cli/handlers/personalParts';
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

describe('ondi bench: where the personal model spends a keystroke', function () {
  this.timeout(240_000);

  it('parses a selection of parts, retrieval apart from the file', () => {
    assert.deepEqual(partsOption('adapter,knn,retrieval'), {
      text: 'adapter,knn,retrieval',
      model: ['adapter', 'knn'],
      retrieval: true,
    });
    assert.deepEqual(partsOption('none'), { text: 'none', model: [], retrieval: false });
    assert.throws(() => partsOption('adapter,ngram'), /--personal-parts must list adapter, cache, knn/);
  });

  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-bench-breakdown-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('times only the parts applied and reports what the decoder fed', async () => {
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
    await fs.mkdir(path.join(root, 'typed'));
    await fs.writeFile(path.join(root, 'typed', 'order.ts'), cart + order + order.replace('total', 'sum'));
    const args = ['bench', '--only', 'personal', '--dir', path.join(root, 'typed'), '--keystrokes', '8', '--json'];

    const all = await run(...args, '--adapter', file);
    assert.equal(all.code, EXIT_OK, all.stdout + all.stderr);
    const breakdown = (JSON.parse(all.stdout) as { breakdown: Record<string, unknown> }).breakdown;
    const ms = breakdown['ms_per_keystroke'] as Record<string, number>;
    // no neighbour store in this file; the snippet index is asked only at a new spot
    for (const part of Object.keys(ms)) assert.ok(['adapter', 'cache', 'snippets'].includes(part), part);
    for (const part of ['adapter', 'cache']) assert.ok((ms[part] ?? 0) > 0, part);
    assert.ok((breakdown['scored_steps'] as number) >= 1, 'each keystroke scores at least one step');
    assert.ok((breakdown['fed_mean'] as number) > 0, 'the decoder fed the prompt');

    const cacheOnly = await run(...args, '--adapter', file, '--personal-parts', 'cache');
    assert.equal(cacheOnly.code, EXIT_OK, cacheOnly.stdout + cacheOnly.stderr);
    const only = (JSON.parse(cacheOnly.stdout) as { breakdown: { ms_per_keystroke: object } }).breakdown;
    assert.deepEqual(Object.keys(only.ms_per_keystroke), ['cache']);

    const wrong = await run(...args, '--adapter', file, '--personal-parts', 'cache,lora');
    assert.equal(wrong.code, EXIT_USAGE);
  });
});
