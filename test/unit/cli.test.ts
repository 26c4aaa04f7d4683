import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI_COMMANDS } from '../../src/cli/commands';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/run';

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
