import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/run';
import { namingFile } from '../../src/core/store/writeError';
import { tempFolder } from './fixtures/tempFolder';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, '9.9.9');
  return { code, stdout, stderr };
}

const errorOf = (stdout: string): string => (JSON.parse(stdout) as { error: string }).error;
const tmp = (): Promise<string> => tempFolder('ondi-cli-input-');
/** A model folder that does not exist: a check that runs after loading the model would report it instead. */
const NO_MODEL = path.join(os.tmpdir(), 'ondi-no-such-model');

async function codeFolder(): Promise<string> {
  const dir = await tmp();
  await fs.writeFile(
    path.join(dir, 'a.ts'),
    'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
  );
  return dir;
}

describe('ondi adapt and eval check their input before the long work', () => {
  it('refuses an --out inside something that is not a folder, before loading the model', async () => {
    const dir = await codeFolder();
    const blocker = path.join(dir, 'plain-file');
    await fs.writeFile(blocker, 'x');
    const { code, stdout } = await run(
      'adapt',
      '--dir',
      dir,
      '--out',
      path.join(blocker, 'p.ondi'),
      '--model',
      NO_MODEL,
      '--json',
    );
    assert.equal(code, EXIT_USAGE);
    assert.match(errorOf(stdout), /^adapt: --out .*plain-file.* is not a folder/);
  });

  it('refuses an --out that is a folder', async () => {
    const dir = await codeFolder();
    const { code, stdout } = await run('adapt', '--dir', dir, '--out', dir, '--model', NO_MODEL, '--json');
    assert.equal(code, EXIT_USAGE);
    assert.match(errorOf(stdout), /is a folder; give the path of a file/);
  });

  it('refuses a --dir without source files, and one that does not exist', async () => {
    const empty = await tmp();
    await fs.writeFile(path.join(empty, 'notes.md'), '# notes\n');
    const out = path.join(empty, 'p.ondi');
    const none = await run('adapt', '--dir', empty, '--out', out, '--model', NO_MODEL, '--json');
    assert.equal(none.code, EXIT_USAGE);
    assert.match(errorOf(none.stdout), /no source files to learn from under/);
    const missing = await run('adapt', '--dir', path.join(empty, 'nope'), '--out', out, '--model', NO_MODEL, '--json');
    assert.equal(missing.code, EXIT_USAGE);
    assert.match(errorOf(missing.stdout), /--dir .*nope cannot be read \(ENOENT\)/);
  });

  it('refuses an empty --train before loading the model', async () => {
    const test = await codeFolder();
    const empty = await tmp();
    const { code, stdout } = await run(
      'eval',
      'completion',
      '--test',
      test,
      '--train',
      empty,
      '--model',
      NO_MODEL,
      '--json',
    );
    assert.equal(code, EXIT_USAGE);
    assert.match(errorOf(stdout), /no source files to learn from under/);
  });

  it('clears temporary files that killed writers left next to --out', async () => {
    const dir = await codeFolder();
    const outDir = await tmp();
    const out = path.join(outDir, 'p.ondi');
    // pid 999999999 does not exist: a writer that was killed
    const dead = `${out}.999999999.1700000000000.tmp`;
    const live = `${out}.${process.pid}.1700000000000.tmp`;
    await fs.writeFile(dead, Buffer.alloc(1024));
    await fs.writeFile(live, Buffer.alloc(1024));
    const { stderr } = await run('adapt', '--dir', dir, '--out', out, '--model', NO_MODEL, '--json');
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(live), true, 'a live writer keeps its file');
    assert.match(stderr, /removed 1 unfinished write next to/);
  });

  it('refuses a FIFO as --file for complete instead of waiting on it', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = await tmp();
    const fifo = path.join(dir, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 5000)));
    try {
      const result = await Promise.race([
        run('complete', '--file', fifo, '--line', '1', '--col', '1', '--model', NO_MODEL, '--json'),
        hung,
      ]);
      assert.notEqual(result, 'hung');
      if (result === 'hung') return;
      assert.equal(result.code, EXIT_USAGE);
      assert.match(errorOf(result.stdout), /--file .*pipe\.ts is not a regular file/);
    } finally {
      clearTimeout(timer);
    }
  });
});

describe('a failed write names its file', () => {
  it('says the disk is full and where, keeping the code', () => {
    const error = namingFile(
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
      '/data/p.ondi',
    );
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'cannot write /data/p.ondi: the disk is full');
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  });
});

describe('ondi adapt with the shipped model on a folder with misbehaving files', function () {
  this.timeout(120000);

  it('learns from the readable files, skipping a FIFO with one line and what .gitignore ignores', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = await codeFolder();
    await fs.writeFile(
      path.join(dir, 'b.ts'),
      'export function sub(a: number, b: number): number {\n  return a - b;\n}\n',
    );
    await fs.writeFile(path.join(dir, '.gitignore'), 'ignored.ts\n');
    await fs.writeFile(path.join(dir, 'ignored.ts'), 'export const ignored = true;\n');
    execFileSync('mkfifo', [path.join(dir, 'pipe.ts')]);
    const out = path.join(await tmp(), 'p.ondi');
    const { code, stdout, stderr } = await run('adapt', '--dir', dir, '--out', out, '--json');
    assert.equal(code, EXIT_OK, stderr);
    const result = JSON.parse(stdout) as { tokens: number; files: number; out: string };
    assert.equal(result.files, 2);
    assert.ok(result.tokens > 0);
    assert.equal(stderr.split('\n').filter((l) => l.includes('skipped')).length, 1, stderr);
    assert.match(stderr, /pipe\.ts: not a regular file/);
    assert.ok(existsSync(out));
  });
});
