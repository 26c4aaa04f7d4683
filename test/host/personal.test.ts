import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OndiApi } from '../../src/extension';
import { activateOndi, eventually } from './helpers';

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

describe('personalization: learning the workspace on the device', function () {
  this.timeout(300_000);
  let api: OndiApi;

  before(async () => {
    ({ api } = await activateOndi());
    await eventually(() => api.state().kind === 'ready', 'the model is ready', 60_000);
  });

  it('"Ondi: Train Personal Model Now" writes the personal model under global storage and the engine completes with it', async () => {
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

  it('"Ondi: Show What Ondi Learned" shows files, tokens, last training and a measured lift', async () => {
    const text = await vscode.commands.executeCommand<string>('ondi.showLearned');
    assert.match(text, /Learned from: \d+ files and \d+ recent edits?, [\d,]+ tokens/);
    assert.match(text, /Last trained: /);
    assert.match(text, /\| base model \| [\d.]+% \| [\d.]+% \|/);
    assert.match(text, /\| with what Ondi learned \| [\d.]+% \| [\d.]+% \|/);
    assert.match(text, /src\/shelves\.ts/);
    // rendered in VS Code's Markdown preview, not shown as Markdown source
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(
      tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview'),
      `the active tab is the Markdown preview: ${tab?.label ?? 'none'}`,
    );
    assert.match(tab.label, /What Ondi Learned/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('pauses and resumes learning, and the state says so', async () => {
    await vscode.commands.executeCommand('ondi.pauseLearning');
    assert.equal(api.personal().paused, true);
    await vscode.commands.executeCommand('ondi.resumeLearning');
    assert.equal(api.personal().paused, false);
    await fs.rm(workspaceFile('src', 'shelves.ts'), { force: true });
  });
});
