import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { attachRetrieval } from '../../src/core/retrieval/attachRetrieval';
import { RetrievalIndex } from '../../src/core/retrieval/retrievalIndex';
import { RetrievalSnippets } from '../../src/core/retrieval/retrievalSnippets';
import { WorkspaceRetrieval } from '../../src/core/retrieval/workspaceRetrieval';

const SHIPPED = path.resolve(__dirname, '../../models/ondi-code');

/** Code that only the file `name` holds: `name`Registry and its methods. */
function moduleOf(name: string): string {
  return [
    `export class ${name}Registry {`,
    `  private readonly ${name}Entries = new Map<string, ${name}Entry>();`,
    `  register${name}(key: string, entry: ${name}Entry): void {`,
    `    this.${name}Entries.set(key, entry);`,
    '  }',
    `  lookup${name}(key: string): ${name}Entry | undefined {`,
    `    return this.${name}Entries.get(key);`,
    '  }',
    '}',
    '',
  ].join('\n');
}

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }
}

const scopeOf = (root: string, excludeGlobs: string[] = []) => ({
  folders: [root],
  excludeGlobs,
  respectGitignore: true,
});

describe('retrieval over every allowed file of the workspace', function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-retrieval-'));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('indexes the files learning may read, and none it may not', async () => {
    await write(root, {
      'src/plain.ts': moduleOf('Plain'),
      'src/generated/out.ts': moduleOf('Ignored'),
      '.gitignore': 'src/generated/\n',
      'src/secrets.ts': moduleOf('Secrets'),
      'src/.env.ts': moduleOf('Dotenv'),
      'src/vendor/lib.ts': moduleOf('Disabled'),
      'node_modules/pkg/index.js': moduleOf('Modules'),
    });
    const retrieval = new WorkspaceRetrieval(new RetrievalIndex());
    const report = await retrieval.build(scopeOf(root, ['src/vendor/**']));
    assert.deepEqual(retrieval.index.paths, [path.join(root, 'src/plain.ts')]);
    assert.equal(report.files, 1);
    for (const name of ['Ignored', 'Secrets', 'Dotenv', 'Disabled', 'Modules'])
      assert.equal(retrieval.index.best(`lookup${name} register${name}`, '/elsewhere.ts'), undefined, name);
  });

  it('indexes no file while its pause holds it (a completion is open), then goes on', async () => {
    await write(root, { 'a.ts': moduleOf('Alpha'), 'b.ts': moduleOf('Beta'), 'c.ts': moduleOf('Gamma') });
    const retrieval = new WorkspaceRetrieval(new RetrievalIndex());
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let pauses = 0;
    const building = retrieval.build(scopeOf(root), () => {
      pauses++;
      return held;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(pauses, 1, 'the build waits before its first file');
    assert.deepEqual(retrieval.index.paths, []);
    release();
    const report = await building;
    assert.equal(report.files, 3);
    assert.equal(pauses, 3, 'and asks again before each file');
  });

  it('follows files created, saved, renamed and deleted, and folders renamed', async () => {
    await write(root, { 'a.ts': moduleOf('Alpha') });
    const retrieval = new WorkspaceRetrieval(new RetrievalIndex());
    await retrieval.build(scopeOf(root));
    const where = (name: string) => retrieval.index.best(`lookup${name}`, '/elsewhere.ts')?.path;

    await write(root, { 'lib/b.ts': moduleOf('Beta') });
    await retrieval.update(path.join(root, 'lib/b.ts'));
    assert.equal(where('Beta'), path.join(root, 'lib/b.ts'));

    await write(root, { 'a.ts': moduleOf('Gamma') });
    await retrieval.update(path.join(root, 'a.ts'));
    assert.equal(where('Alpha'), undefined);
    assert.equal(where('Gamma'), path.join(root, 'a.ts'));

    await fs.rename(path.join(root, 'lib'), path.join(root, 'core'));
    await retrieval.update(path.join(root, 'lib'));
    await retrieval.update(path.join(root, 'core'));
    assert.equal(where('Beta'), path.join(root, 'core/b.ts'));

    await fs.rm(path.join(root, 'a.ts'));
    await retrieval.update(path.join(root, 'a.ts'));
    assert.equal(where('Gamma'), undefined);

    // a file outside the workspace, or one the rules exclude, is never indexed by an update
    await write(root, { 'secrets.ts': moduleOf('Delta') });
    await retrieval.update(path.join(root, 'secrets.ts'));
    assert.equal(where('Delta'), undefined);
  });

  it('indexes a 2,000-file workspace in the background within 60 s, and the thread stays free', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2_000; i++) {
      // about 5 KB a file, 180 lines: the size of a typical module
      const body = Array.from({ length: 18 }, (_, j) => moduleOf(`M${i}x${j}`)).join('');
      files[`pkg${i % 40}/mod${i}.ts`] = body;
    }
    await write(root, files);
    const retrieval = new WorkspaceRetrieval(new RetrievalIndex());
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      longestGap = Math.max(longestGap, performance.now() - last);
      last = performance.now();
    }, 5);
    const report = await retrieval.build(scopeOf(root)).finally(() => clearInterval(timer));
    process.stderr.write(
      `      2,000 files: ${report.ms} ms, ${report.files} files and ${report.windows} windows indexed (bound reached: ${report.full}), longest stall ${longestGap.toFixed(0)} ms\n`,
    );
    assert.ok(report.ms < 60_000, `${report.ms} ms`);
    assert.ok(report.files > 0 && report.windows <= 40_000);
    // other work on the thread (a completion request) waits for one file at most, never the build
    assert.ok(longestGap < 500, `the thread was held ${longestGap} ms`);
  });

  describe('through the completion pipeline', () => {
    let engine: LoadedEngine;
    before(async () => {
      engine = await loadEngine(SHIPPED);
    });
    after(async () => {
      await engine?.dispose();
    });

    it('puts a window of a file that was never opened in front of the prompt', async () => {
      await write(root, { 'src/never/opened.ts': moduleOf('Widget'), 'src/other.ts': moduleOf('Gadget') });
      const retrieval = attachRetrieval(engine);
      try {
        await retrieval.build(scopeOf(root));
        const prefix = [
          "import { WidgetRegistry } from './never/opened';",
          'export class Widgets {',
          '  private readonly registry = new WidgetRegistry();',
          '  add(key: string, entry: WidgetEntry): void {',
          '    this.registry.registerWidget(key, entry);',
          '  }',
          '  find(key: string): WidgetEntry | undefined {',
          '    return this.registry.',
        ].join('\n');
        const file = path.join(root, 'src/widgets.ts');
        const lent = new RetrievalSnippets(retrieval.index, engine.tokenizer, engine.info.eosTokenId).match(
          engine.tokenizer.encode(prefix),
          prefix,
          file,
        );
        assert.match(engine.tokenizer.decode(lent?.ids ?? []), /lookupWidget\(key: string\): WidgetEntry/);
        await engine.pipeline.complete(
          {
            prefix,
            suffix: '\n  }\n}\n',
            languageId: 'typescript',
            path: file,
            position: { line: 7, character: 20 },
            maxTokens: 16,
          },
          new AbortController().signal,
        );
        // the pipeline has no other source of snippets here: no recent files, no personal model
        assert.equal(engine.pipeline.lastTrace.snippet, lent?.ids.length);
      } finally {
        engine.pipeline.useRetrieval(undefined);
      }
    });
  });
});
