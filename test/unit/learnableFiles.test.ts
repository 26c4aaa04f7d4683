import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tokenStream } from '../../src/core/adapt/trainPersonal';
import {
  collectDocuments,
  learnableFiles,
  listLearnableFiles,
  readDocuments,
} from '../../src/core/adapt/workspaceDocuments';
import { nodeSourceFs, readSourceFiles, type SourceFs } from '../../src/core/privacy/sourceFiles';
import type { Tokenizer } from '../../src/core/model/tokenizer';
import { tempFolder } from './fixtures/tempFolder';

const tmp = (): Promise<string> => tempFolder('ondi-files-');

/** Node's file system, except that `call` fails with `code` on the paths named (tests run as root, where chmod does not). */
function failing(call: keyof SourceFs, code: string, paths: readonly string[]): SourceFs {
  const fail = (p: string): void => {
    if (paths.includes(p)) throw Object.assign(new Error(`${code}: ${p}`), { code });
  };
  return {
    readdir: async (dir) => (call === 'readdir' && fail(dir), nodeSourceFs.readdir(dir)),
    lstat: async (file) => (call === 'lstat' && fail(file), nodeSourceFs.lstat(file)),
    open: async (file, flags) => (call === 'open' && fail(file), nodeSourceFs.open(file, flags)),
  };
}

async function folderOf(files: Record<string, string>): Promise<string> {
  const dir = await tmp();
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe('collecting the files to learn from, when some of them misbehave', () => {
  for (const call of ['lstat', 'open'] as const) {
    it(`skips a file whose ${call} fails with EACCES, with one log line, and learns from the others`, async () => {
      const dir = await folderOf({
        'a.ts': 'export const a = 1;\n',
        'b.ts': 'export const b = 2;\n',
        'c.ts': 'export const c = 3;\n',
      });
      const log: string[] = [];
      const { documents } = await collectDocuments(dir, [], {
        log: (m) => log.push(m),
        fs: failing(call, 'EACCES', [path.join(dir, 'b.ts')]),
      });
      assert.deepEqual(documents.map((d) => d.text).sort(), ['export const a = 1;\n', 'export const c = 3;\n']);
      assert.equal(log.length, 1);
      assert.match(log[0] ?? '', /b\.ts: it cannot be read \(EACCES\)/);
    });
  }

  it('skips a folder that cannot be listed with one log line and walks on', async () => {
    const dir = await folderOf({ 'locked/x.ts': 'export const x = 1;\n', 'open/y.ts': 'export const y = 1;\n' });
    const log: string[] = [];
    const files = await listLearnableFiles(dir, {
      log: (m) => log.push(m),
      fs: failing('readdir', 'EACCES', [path.join(dir, 'locked')]),
    });
    assert.deepEqual(
      files.map((f) => path.relative(dir, f.path)),
      [path.join('open', 'y.ts')],
    );
    assert.equal(log.length, 1);
    assert.match(log[0] ?? '', /skipped folder .*locked: it cannot be read/);
  });

  it('skips a file removed between listing and reading', async () => {
    const dir = await folderOf({ 'a.ts': 'export const a = 1;\n', 'gone.ts': 'export const gone = 1;\n' });
    const files = await listLearnableFiles(dir);
    assert.equal(files.length, 2);
    await fs.rm(path.join(dir, 'gone.ts'));
    const log: string[] = [];
    const { documents, sources } = await readDocuments(files, { log: (m) => log.push(m) });
    assert.deepEqual(
      sources.map((s) => path.basename(s.path)),
      ['a.ts'],
    );
    assert.equal(documents.length, 1);
    assert.deepEqual(log, [`skipped ${path.join(dir, 'gone.ts')}: it no longer exists`]);
  });

  it('skips FIFOs and huge files with one log line each, without blocking on the FIFO', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = await folderOf({ 'a.ts': 'export const a = 1;\n', 'huge.ts': `// ${'x'.repeat(400)}\n`.repeat(600) });
    execFileSync('mkfifo', [path.join(dir, 'pipe.ts')]);
    const log: string[] = [];
    const files = await readSourceFiles(dir, { log: (m) => log.push(m) });
    assert.deepEqual(
      files.map((f) => path.basename(f.path)),
      ['a.ts'],
    );
    assert.equal(log.length, 2, log.join('\n'));
    assert.ok(log.some((m) => /huge\.ts: over 200 KB/.test(m)));
    assert.ok(log.some((m) => /pipe\.ts: not a regular file/.test(m)));
  });

  it('does not block when a listed file has been replaced by a FIFO before it is read', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = await folderOf({ 'a.ts': 'export const a = 1;\n', 'b.ts': 'export const b = 1;\n' });
    const files = await listLearnableFiles(dir);
    await fs.rm(path.join(dir, 'b.ts'));
    execFileSync('mkfifo', [path.join(dir, 'b.ts')]);
    const log: string[] = [];
    const { documents } = await readDocuments(files, { log: (m) => log.push(m) });
    assert.equal(documents.length, 1);
    assert.deepEqual(log, [`skipped ${path.join(dir, 'b.ts')}: not a regular file`]);
  });

  it('leaves out what .gitignore ignores when asked to', async () => {
    const dir = await folderOf({
      '.gitignore': 'generated/\n',
      'generated/g.ts': 'export const g = 1;\n',
      'src/s.ts': 'export const s = 1;\n',
    });
    const kept = await learnableFiles(dir, { respectGitignore: true });
    assert.deepEqual(
      kept.files.map((f) => path.relative(dir, f.path)),
      [path.join('src', 's.ts')],
    );
    const all = await learnableFiles(dir, { respectGitignore: false });
    assert.equal(all.files.length, 2);
  });
});

describe('reading only what the token budget takes', () => {
  // one token per character keeps the arithmetic visible
  const tokenizer: Tokenizer = {
    encode: (t) => Array.from(t, (c) => c.charCodeAt(0) % 100),
    decode: () => '',
    vocabText: [],
  };
  const countTokens = (text: string): number => tokenizer.encode(text).length;

  async function manyFiles(n: number): Promise<string> {
    const dir = await tmp();
    for (let i = 0; i < n; i++) {
      const file = path.join(dir, `f${String(i).padStart(3, '0')}.ts`);
      await fs.writeFile(file, `export const v${i} = ${i};\n`.repeat(10));
      // f000 is the newest
      const when = new Date(Date.now() - i * 60_000);
      await fs.utimes(file, when, when);
    }
    return dir;
  }

  it('opens files newest first and stops once the budget is filled', async () => {
    const dir = await manyFiles(60);
    const opened: string[] = [];
    const counting: SourceFs = {
      ...nodeSourceFs,
      open: (file, flags) => (opened.push(path.basename(file)), nodeSourceFs.open(file, flags)),
    };
    const files = await listLearnableFiles(dir);
    const perFile = 1 + countTokens(await fs.readFile(path.join(dir, 'f000.ts'), 'utf8'));
    const { documents } = await readDocuments(files, {
      fs: counting,
      budget: { maxTokens: perFile * 3 - 5, countTokens },
    });
    assert.equal(documents.length, 3);
    assert.deepEqual(opened, ['f000.ts', 'f001.ts', 'f002.ts']);
  });

  it('keeps the documents the training stream would have kept from all of them', async () => {
    const dir = await manyFiles(12);
    const files = await listLearnableFiles(dir);
    for (const maxTokens of [1, 150, 400, 1000, 100_000]) {
      const all = await readDocuments(files);
      const streamed = tokenStream(tokenizer, all.documents, 0, maxTokens);
      const budgeted = await readDocuments(files, { budget: { maxTokens, countTokens } });
      assert.equal(budgeted.documents.length, streamed.documents, `at ${maxTokens} tokens`);
      assert.deepEqual(tokenStream(tokenizer, budgeted.documents, 0, maxTokens).tokens, streamed.tokens);
    }
  });

  it('counts tokens already taken (recent edits) against the budget', async () => {
    const dir = await manyFiles(5);
    const files = await listLearnableFiles(dir);
    const perFile = 1 + countTokens(await fs.readFile(path.join(dir, 'f000.ts'), 'utf8'));
    const { documents } = await readDocuments(files, {
      budget: { maxTokens: perFile * 3, countTokens, used: perFile * 2 },
    });
    assert.equal(documents.length, 1);
  });
});
