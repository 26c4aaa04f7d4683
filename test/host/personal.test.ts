import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OndiApi } from '../../src/extension';
import { activateOndi, eventually, withUserSetting } from './helpers';

/** Code with a name the base model cannot know: the personal model learns it from the workspace. */
const SHELVES = `import { Cart } from './cart';

export function zorbleShelfCount(cart: Cart, shelf: string): number {
  return cart.lines.filter((line) => line.shelf === shelf).length;
}

export const frontShelf = zorbleShelfCount(new Cart(), 'front');
export const backShelf = zorbleShelfCount(new Cart(), 'back');
export const topShelf = zorbleShelfCount(new Cart(), 'top');
`;
const PROBE = "import { Cart } from './cart';\n\nexport const lowShelf = zorb";
/** New code that uses the learned name, written after the training: the lift is measured on it. */
const SHELF_REPORT_NAME = 'shelfReport.ts';
const SHELF_REPORT = `import { Cart } from './cart';
import { zorbleShelfCount } from './shelves';

export function shelfReport(cart: Cart): string {
  const front = zorbleShelfCount(cart, 'front');
  const back = zorbleShelfCount(cart, 'back');
  const top = zorbleShelfCount(cart, 'top');
  return \`front \${front}, back \${back}, top \${top}\`;
}
`;

function workspaceFile(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return path.join(folder.uri.fsPath, ...parts);
}

/** Opens a file holding `text`, asks for an inline completion at its end and accepts it; returns what went in. */
async function completeAtEnd(api: OndiApi, name: string, text: string): Promise<string> {
  const file = workspaceFile('src', name);
  await fs.writeFile(file, text);
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
  try {
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);
    const before = api.outcomes().counts.shown;
    const typed = editor.document.getText();
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await eventually(() => api.outcomes().counts.shown > before, 'Ondi handed VS Code a completion', 30_000);
    let inserted = '';
    const deadline = Date.now() + 15_000;
    while (inserted === '' && Date.now() < deadline) {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      inserted = editor.document.getText().slice(typed.length);
      if (inserted === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return inserted;
  } finally {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await fs.rm(file, { force: true });
  }
}

/**
 * Code to learn beside the demo workspace's few hundred tokens, so a training lasts long enough
 * to watch: a few files of the tokenizer library Ondi ships, or all of it (over the 100,000-token
 * budget) with ONDI_HOST_LEARN_ALL=1, which measures a full training in the extension host.
 */
async function copyVendorCode(extensionPath: string, target: string): Promise<number> {
  const source = path.join(extensionPath, 'node_modules/@xenova/transformers/src');
  const all = process.env.ONDI_HOST_LEARN_ALL === '1';
  const files = (await fs.readdir(source, { recursive: true })).filter((f) => f.endsWith('.js')).sort();
  const chosen = all ? files : files.filter((f) => /^(tokenizers|utils[\\/]hub|utils[\\/]tensor)\.js$/.test(f));
  let bytes = 0;
  for (const file of chosen) {
    const text = await fs.readFile(path.join(source, file), 'utf8');
    await fs.mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await fs.writeFile(path.join(target, file), text);
    bytes += text.length;
  }
  return bytes;
}

/** A keystroke in a scratch document: the editor's activity, with nothing learned from it. */
async function typeSomewhere(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content: '', language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(doc);
  await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'x'));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

describe('personalization: learning that announces itself', function () {
  this.timeout(600_000);

  it('the first automatic training says so once, shows tokens and time left, holds at a keystroke and ends with one short sentence', async () => {
    const { api, extension } = await activateOndi();
    await eventually(() => api.state().kind === 'ready', 'the model is ready', 60_000);
    // an earlier idle moment of this run may have learned already: start from nothing learned
    if (api.personal().training) await eventually(() => !api.personal().training, 'the earlier run ended', 300_000);
    if (api.personal().meta) await vscode.commands.executeCommand('ondi.resetPersonalModel', { confirmed: true });
    const vendor = workspaceFile('vendor');
    const bytes = await copyVendorCode(extension.extensionPath, vendor);
    try {
      await withUserSetting('learning.idleSeconds', 5, async () => {
        await eventually(() => api.personal().training, 'a training starts after 5 s without typing', 120_000);
        const started = Date.now();
        const notices = api.personal().notices;
        assert.equal(
          notices.filter((n) => /is learning this workspace on this machine/.test(n)).length,
          1,
          `announced once: ${JSON.stringify(notices)}`,
        );

        await eventually(
          () => (api.personal().progress?.tokensTotal ?? 0) > 0 && api.personal().progress?.secondsLeft !== undefined,
          'tokens and an estimate of the time left are reported',
          240_000,
        );
        const progress = api.personal().progress;
        assert.ok(progress && progress.tokensDone <= progress.tokensTotal, JSON.stringify(progress));
        const estimate = progress.secondsLeft;
        assert.ok(estimate !== undefined && estimate >= 0 && estimate < 3600, `time left ${estimate}`);

        // a keystroke holds the run at its next checkpoint
        let holdMs: number | undefined;
        if (api.personal().training) {
          const typedAt = Date.now();
          await typeSomewhere();
          if (api.personal().training) assert.equal(api.personal().progress?.held, true, 'held at the keystroke');
          await eventually(
            () => !api.personal().training || api.personal().progress?.lastHoldMs !== undefined,
            'the worker reports that it held',
            30_000,
          );
          holdMs = api.personal().progress?.lastHoldMs;
          if (holdMs !== undefined) assert.ok(holdMs < 2_000, `held ${holdMs} ms after the keystroke`);
          assert.ok(Date.now() - typedAt < 30_000);
        }

        // the done message comes once the new model is applied
        const finished = (): boolean =>
          api.personal().notices.some((n) => n.startsWith('Learned ')) ||
          (!api.personal().training && api.personal().problem !== undefined);
        await eventually(finished, 'the training ends and says what it learned', 540_000);
        const seconds = (Date.now() - started) / 1000;
        const status = api.personal();
        assert.ok(status.meta, `learned: ${status.problem ?? ''}`);
        const done = status.notices.at(-1) ?? '';
        assert.match(done, /^Learned [\d,]+ tokens from \d+ files?( and \d+ edits?)? in \d+ s\.$/);
        assert.ok(done.length <= 60, `short: ${done}`);
        await fs.mkdir(path.join(extension.extensionPath, 'test-results/host'), { recursive: true });
        await fs.writeFile(
          path.join(extension.extensionPath, 'test-results/host/learning-time.json'),
          JSON.stringify(
            { bytes, tokens: status.meta.tokens, files: status.meta.files, seconds, estimate, holdMs, done },
            null,
            2,
          ),
        );
      });
    } finally {
      await fs.rm(vendor, { recursive: true, force: true });
    }
  });
});

describe('personalization: learning the workspace on the device', function () {
  this.timeout(300_000);
  let api: OndiApi;

  before(async () => {
    ({ api } = await activateOndi());
    await eventually(() => api.state().kind === 'ready', 'the model is ready', 60_000);
  });

  it('"Ondi: Train Personal Model Now" writes the personal model under global storage and the engine completes with it', async () => {
    // the base model alone: a personal model left by an earlier test would read shelves.ts
    // as code near the cursor (the workspace's windows most like the lines above it)
    if (api.personal().meta) await vscode.commands.executeCommand('ondi.resetPersonalModel', { confirmed: true });
    await fs.writeFile(workspaceFile('src', 'shelves.ts'), SHELVES);
    const base = await completeAtEnd(api, 'probe-base.ts', PROBE);
    assert.ok(
      !base.includes('leShelfCount'),
      `the base model cannot know the name (it offered ${JSON.stringify(base)})`,
    );

    const trained = await vscode.commands.executeCommand<boolean>('ondi.trainPersonalModel');
    assert.equal(trained, true);
    const status = api.personal();
    assert.ok(status.file, 'a personal model file for this workspace');
    assert.match(status.file.split(path.sep).join('/'), /\/globalStorage\/ondi\.ondi\/[0-9a-f]{16}\/personal\.ondi$/);
    const bytes = (await fs.stat(status.file)).size;
    assert.ok(bytes > 100_000, `the file holds the adapter (${bytes} bytes)`);
    assert.equal(status.applied, true, 'applied to the running engine');
    assert.equal(status.training, false);
    assert.ok(status.meta && status.meta.files >= 4, JSON.stringify(status.meta));
    assert.ok(status.meta.fileList.includes('src/shelves.ts'));
    assert.ok(status.meta.tokens > 500);

    const personal = await completeAtEnd(api, 'probe-personal.ts', PROBE);
    assert.match(personal, /^leShelfCount\(/, "the workspace's own name, learned on the device");
  });

  it('exports the personal model, refuses to import a damaged file, and imports a good one', async () => {
    const status = api.personal();
    assert.ok(status.file && status.meta);
    const dir = path.dirname(workspaceFile('x'));
    const exported = path.join(dir, '..', 'exported.ondi');
    assert.equal(await vscode.commands.executeCommand('ondi.exportPersonalModel', vscode.Uri.file(exported)), true);
    assert.deepEqual(await fs.readFile(exported), await fs.readFile(status.file));

    const damaged = path.join(dir, '..', 'damaged.ondi');
    const bytes = await fs.readFile(exported);
    await fs.writeFile(damaged, bytes.subarray(0, bytes.length - 1000));
    const before = await fs.readFile(status.file);
    assert.equal(await vscode.commands.executeCommand('ondi.importPersonalModel', vscode.Uri.file(damaged)), undefined);
    assert.deepEqual(await fs.readFile(status.file), before, 'a damaged import leaves the personal model as it was');
    assert.equal(api.personal().applied, true);

    assert.equal(await vscode.commands.executeCommand('ondi.importPersonalModel', vscode.Uri.file(exported)), true);
    assert.equal(api.personal().applied, true);
    assert.equal(api.personal().meta?.trainedAt, status.meta.trainedAt);
  });

  it('"Ondi: Show What Ondi Learned" says the lift is not measured while every file of the workspace was learned', async () => {
    const status = api.personal();
    assert.ok(status.meta?.fileList.includes('src/shelves.ts'), 'the training learned the workspace');
    const text = await vscode.commands.executeCommand<string>('ondi.showLearned');
    assert.match(text, /Learned from: \d+ files and \d+ recent edits?, [\d,]+ tokens/);
    assert.match(
      text,
      /## Measured on your recent edits\n\nNot measured: the personal model learned every file in this workspace \(\d+\), so there is no code it has not seen to measure on; add a file and measure again\./,
    );
    assert.doesNotMatch(text, /\| base model \|/, 'no figure measured on code it learned');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('"Ondi: Show What Ondi Learned" shows files, tokens, last training and the lift measured on a file written since', async () => {
    // the user writes new code after the training: the lift is measured on it alone
    const written = workspaceFile('src', SHELF_REPORT_NAME);
    await fs.writeFile(written, SHELF_REPORT);
    try {
      assert.ok(!api.personal().meta?.fileList.includes(`src/${SHELF_REPORT_NAME}`), 'not learned');
      const text = await vscode.commands.executeCommand<string>('ondi.showLearned');
      assert.match(text, /Learned from: \d+ files and \d+ recent edits?, [\d,]+ tokens/);
      assert.match(text, /Last trained: /);
      assert.match(
        text,
        /\n\d+ lines? from files the personal model did not learn \(`src\/shelfReport\.ts`; every file it learned is left out\)/,
      );
      assert.match(text, /\| base model \| [\d.]+% \| [\d.]+% \|/);
      assert.match(text, /\| with what Ondi learned \| [\d.]+% \| [\d.]+% \|/);
      assert.match(text, /\| lift \| [+−][\d.]+ points \| [+−][\d.]+ points \|/);
      assert.match(text, /Measured just now in [\d.]+ s/);
      assert.match(text, /- `src\/shelves\.ts`/, 'the files learned from are listed');
      // rendered in VS Code's Markdown preview, not shown as Markdown source
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(
        tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview'),
        `the active tab is the Markdown preview: ${tab?.label ?? 'none'}`,
      );
      assert.match(tab.label, /What Ondi Learned/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await fs.rm(written, { force: true });
    }
  });

  it('pauses and resumes learning, and the state says so', async () => {
    await vscode.commands.executeCommand('ondi.pauseLearning');
    assert.equal(api.personal().paused, true);
    await vscode.commands.executeCommand('ondi.resumeLearning');
    assert.equal(api.personal().paused, false);
    await fs.rm(workspaceFile('src', 'shelves.ts'), { force: true });
  });
});
