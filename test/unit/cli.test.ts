import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeAdapter, writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { CLI_COMMANDS } from '../../src/cli/commands';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/run';
import { readModelFolder } from '../../src/core/model/modelFolder';
import { loadTokenizer } from '../../src/core/model/tokenizer';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, '9.9.9');
  return { code, stdout, stderr };
}

const contractCommands = ['complete', 'adapt', 'eval', 'bench', 'report'];

describe('ondi CLI', () => {
  it('lists every contract command in --help and exits 0', async () => {
    const { code, stdout } = await run('--help');
    assert.equal(code, EXIT_OK);
    for (const name of contractCommands) {
      assert.match(stdout, new RegExp(`^  ${name} `, 'm'), name);
    }
    assert.deepEqual(
      CLI_COMMANDS.map((command) => command.name),
      contractCommands,
    );
  });

  it('prints help when run without a command, and the version with --version', async () => {
    assert.match((await run()).stdout, /Usage: ondi <command>/);
    assert.equal((await run('--version')).stdout, '9.9.9\n');
  });

  it('shows the usage of one command', async () => {
    const { code, stdout } = await run('complete', '--help');
    assert.equal(code, EXIT_OK);
    assert.match(stdout, /ondi complete --file F --line L --col C/);
  });

  it('fails with a usage error for an unknown command', async () => {
    const { code, stdout, stderr } = await run('train', '--json');
    assert.equal(code, EXIT_USAGE);
    assert.deepEqual(JSON.parse(stdout), { error: 'unknown command "train" (see ondi --help)' });
    assert.match(stderr, /unknown command/);
  });

  it('says clearly that a command is not implemented, with one JSON object under --json', async () => {
    const { code, stdout } = await run('eval', 'bogus', '--json');
    assert.equal(code, EXIT_FAILURE);
    const parsed = JSON.parse(stdout) as { error: string };
    assert.equal(parsed.error, 'eval bogus: not implemented yet');
  });

  it('keeps stdout empty on errors without --json', async () => {
    const { code, stdout, stderr } = await run('eval', 'bogus');
    assert.equal(code, EXIT_FAILURE);
    assert.equal(stdout, '');
    assert.equal(stderr, 'ondi: eval bogus: not implemented yet\n');
  });

  it('ships as the executable bin of package.json', () => {
    const root = path.join(__dirname, '../..');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      version: string;
    };
    const bin = path.join(root, manifest.bin.ondi ?? '');
    assert.ok(existsSync(bin), `${bin} is built`);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^ondi ${manifest.version.replace(/\./g, '\\.')} `));
  });
});

describe('ondi CLI with the shipped model', function () {
  this.timeout(60000);
  const root = path.join(__dirname, '../..');

  it('completes a position in a file and answers with the contract JSON', async () => {
    const file = path.join(root, 'test/fixtures/cli/plot.py');
    const { code, stdout } = await run('complete', '--file', file, '--line', '2', '--col', '28', '--json');
    assert.equal(code, EXIT_OK);
    const out = JSON.parse(stdout) as { completion: string; ms: number };
    assert.deepEqual(Object.keys(out).sort(), ['completion', 'ms']);
    assert.equal(out.completion, ' plt');
    assert.ok(out.ms > 0);
  });

  it('completes with the personal model file given by --adapter', async () => {
    const file = path.join(root, 'test/fixtures/cli/plot.py');
    const model = path.join(root, 'models/ondi-code');
    const info = await readModelFolder(model);
    const tokenizer = await loadTokenizer(model, info);
    // a project that always calls pyplot "mpl": the learned code's cache and snippets say so
    const learned = tokenizer.encode(
      'import numpy as np\nimport matplotlib.pyplot as mpl\n\nmpl.plot(x, y)\n'.repeat(12),
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-cli-adapter-'));
    try {
      const personal = path.join(dir, 'personal.ondi');
      await writeAdapterFile(personal, {
        modelId: info.modelId,
        adapter: new LowRankAdapter({ hidden: info.hiddenSize, rank: 2, vocab: info.vocabSize }),
        tokens: Uint16Array.from(learned),
        meta: { adapterApplied: false },
      });
      const args = ['complete', '--file', file, '--line', '2', '--col', '28', '--json'];
      const adapted = await run(...args, '--adapter', personal);
      assert.equal(adapted.code, EXIT_OK, adapted.stdout);
      assert.equal((JSON.parse(adapted.stdout) as { completion: string }).completion, ' mpl');

      const data = encodeAdapter({
        modelId: 'other-weights',
        adapter: new LowRankAdapter({ hidden: info.hiddenSize, rank: 2, vocab: info.vocabSize }),
        tokens: Uint16Array.from(learned),
        meta: {},
      });
      const foreign = path.join(dir, 'foreign.ondi');
      await fs.writeFile(foreign, data);
      const refused = await run(...args, '--adapter', foreign);
      assert.equal(refused.code, EXIT_USAGE);
      assert.match(
        (JSON.parse(refused.stdout) as { error: string }).error,
        /--adapter .*foreign\.ondi: the personal model was trained for another base model/,
      );
      const missing = await run(...args, '--adapter', path.join(dir, 'missing.ondi'));
      assert.equal(missing.code, EXIT_USAGE);
      assert.match((JSON.parse(missing.stdout) as { error: string }).error, /missing\.ondi cannot be read \(ENOENT\)/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a position outside the file with a usage error', async () => {
    const file = path.join(root, 'test/fixtures/cli/plot.py');
    const { code, stdout } = await run('complete', '--file', file, '--line', '99', '--col', '1', '--json');
    assert.equal(code, EXIT_USAGE);
    assert.match((JSON.parse(stdout) as { error: string }).error, /--line must be between 1 and/);
  });

  it('reports every stage of the model recipe', async () => {
    const { code, stdout } = await run('report', '--json');
    assert.equal(code, EXIT_OK);
    const out = JSON.parse(stdout) as { stages: { stage: string; file_mb: number }[]; lookup: { es: number } };
    assert.deepEqual(
      out.stages.map((s) => s.stage),
      ['dense fp32', 'pruned fp32', 'pruned int8'],
    );
    assert.ok((out.stages[2]?.file_mb ?? 0) < (out.stages[0]?.file_mb ?? 0));
    assert.equal(typeof out.lookup.es, 'number');
  });

  it('scores line completion on a folder with the contract shape', async () => {
    const { code, stdout } = await run(
      'eval',
      'completion',
      '--test',
      path.join(root, 'test/fixtures/demo-workspace'),
      '--samples',
      '5',
      '--json',
    );
    assert.equal(code, EXIT_OK);
    const out = JSON.parse(stdout) as { samples: number; base: Record<string, number>; adapted: null; adapt: null };
    assert.equal(out.samples, 5);
    assert.deepEqual(Object.keys(out.base).sort(), ['em', 'es', 'p50_ms', 'p95_ms']);
    assert.equal(out.adapted, null);
  });
});
