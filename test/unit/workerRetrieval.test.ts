import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkerScript } from '../../src/core/base/threads';
import type { CompletionRequest } from '../../src/core/complete/types';
import { WorkerEngine } from '../../src/core/engine/workerClient';

const repo = path.resolve(__dirname, '../..');
const SHIPPED = path.join(repo, 'models', 'ondi-code');
const script: WorkerScript = { file: path.join(repo, 'src', 'worker', 'engineWorker.ts'), typescript: true };

const MODULE = [
  'export class WidgetRegistry {',
  '  private readonly widgetEntries = new Map<string, WidgetEntry>();',
  '  registerWidget(key: string, entry: WidgetEntry): void {',
  '    this.widgetEntries.set(key, entry);',
  '  }',
  '  lookupWidget(key: string): WidgetEntry | undefined {',
  '    return this.widgetEntries.get(key);',
  '  }',
  '}',
  '',
].join('\n');

describe('the completion worker retrieves from the workspace', function () {
  this.timeout(120_000);
  let root: string;
  let engine: WorkerEngine | undefined;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-worker-retrieval-'));
    await fs.mkdir(path.join(root, 'src/never'), { recursive: true });
    await fs.writeFile(path.join(root, 'src/never/opened.ts'), MODULE);
  });
  after(async () => {
    await engine?.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });

  const ask = (line: string): CompletionRequest => {
    const prefix = [
      'export class Widgets {',
      '  private readonly registry = new WidgetRegistry();',
      '  add(key: string, entry: WidgetEntry): void {',
      '    this.registry.registerWidget(key, entry);',
      '  }',
      '  find(key: string): WidgetEntry | undefined {',
      line,
    ].join('\n');
    return {
      prefix,
      suffix: '',
      languageId: 'typescript',
      path: path.join(root, 'src/widgets.ts'),
      position: { line: 6, character: line.length },
      maxTokens: 8,
    };
  };

  /** Asks until the worker's prompt carries a snippet (the build runs in the background). */
  async function snippetAfterBuild(line: string, want: boolean): Promise<number | undefined> {
    const worker = engine as WorkerEngine;
    for (let i = 0; i < 50; i++) {
      await worker.complete(ask(`${line}${' '.repeat(i % 2)}`), new AbortController().signal);
      if ((worker.lastTrace.snippet !== undefined) === want) return worker.lastTrace.snippet;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return worker.lastTrace.snippet;
  }

  it('indexes a folder it was told of, follows a deletion, and forgets it all when told no folders', async () => {
    engine = await WorkerEngine.start(SHIPPED, script, { suggestionCache: false });
    await engine.complete(ask('    return this.registry.'), new AbortController().signal);
    assert.equal(engine.lastTrace.snippet, undefined, 'a snippet before any folder was indexed');

    engine.indexWorkspace({ folders: [root], excludeGlobs: [], respectGitignore: true });
    assert.ok(
      ((await snippetAfterBuild('    return this.registry.', true)) ?? 0) > 0,
      'the never-opened file lent nothing',
    );

    await fs.rm(path.join(root, 'src/never'), { recursive: true });
    engine.indexFile(path.join(root, 'src/never'));
    assert.equal(await snippetAfterBuild('    const found = this.registry.', false), undefined);

    await fs.mkdir(path.join(root, 'lib'), { recursive: true });
    await fs.writeFile(path.join(root, 'lib/again.ts'), MODULE);
    engine.indexFile(path.join(root, 'lib/again.ts'));
    assert.ok(((await snippetAfterBuild('    const entry = this.registry.', true)) ?? 0) > 0);

    engine.indexWorkspace({ folders: [], excludeGlobs: [], respectGitignore: true });
    assert.equal(await snippetAfterBuild('    const item = this.registry.', false), undefined);
  });
});
