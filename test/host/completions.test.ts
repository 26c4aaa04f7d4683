import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OndiApi } from '../../src/extension';
import { activateOndi, eventually, withUserSetting } from './helpers';

const LINES = ["import * as path from 'path';", '', 'export function baseName(p: string): string {', '  return path.'];

/** Writes a TypeScript file into the workspace, opens it and puts the cursor at its end. */
async function openAtEnd(name: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  const file = path.join(folder.uri.fsPath, 'src', name);
  await fs.writeFile(file, LINES.join('\n'));
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

async function readyApi(): Promise<OndiApi> {
  const { api } = await activateOndi();
  await eventually(() => api.state().kind === 'ready', 'the model is ready', 60_000);
  return api;
}

describe('inline completions from the on-device model', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('hands the editor a model completion, which the accept command inserts and counts as accepted', async () => {
    const api = await readyApi();
    const editor = await openAtEnd('completion-accept.ts');
    const before = api.outcomes().counts;
    const line = editor.document.lineCount - 1;
    const typed = editor.document.lineAt(line).text;
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await eventually(() => api.outcomes().counts.shown > before.shown, 'Ondi handed VS Code a completion', 30_000);
    // The provider answered; give the editor a moment to render the ghost text, then accept it.
    let inserted = '';
    const deadline = Date.now() + 15_000;
    while (inserted === '' && Date.now() < deadline) {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      inserted = editor.document.lineAt(line).text.slice(typed.length);
      if (inserted === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.notEqual(inserted.trim(), '', 'the completion was inserted');
    assert.equal(editor.document.lineAt(line).text, typed + inserted);
    await eventually(() => api.outcomes().counts.tab > before.tab, 'the accept is counted as Tab');
    assert.ok(api.outcomes().latency.count > 0, 'its latency is recorded');
  });

  it("counts a word-by-word accept (VS Code's accept-next-word) as a word accept, apart from Tab", async () => {
    const api = await readyApi();
    const editor = await openAtEnd('completion-partial.ts');
    const before = api.outcomes();
    const line = editor.document.lineCount - 1;
    const typed = editor.document.lineAt(line).text;
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await eventually(
      () => api.outcomes().counts.shown > before.counts.shown,
      'Ondi handed VS Code a completion',
      30_000,
    );
    const suggestionLength = api.outcomes().shownChars - before.shownChars;
    let inserted = '';
    const deadline = Date.now() + 15_000;
    while (inserted === '' && Date.now() < deadline) {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.acceptNextWord');
      inserted = editor.document.lineAt(line).text.slice(typed.length);
      if (inserted === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.notEqual(inserted, '', 'a word was accepted');
    // typing something of one's own ends the suggestion
    await editor.edit((edit) => edit.insert(editor.document.lineAt(line).range.end, ' // mine'));
    if (inserted.length < suggestionLength && inserted.length > 1) {
      await eventually(() => api.outcomes().counts.word > before.counts.word, 'the word accept is counted');
      assert.equal(api.outcomes().counts.tab, before.counts.tab, 'not as Tab');
      assert.equal(api.outcomes().acceptedChars - before.acceptedChars, inserted.length);
    } else if (inserted.length === 1) {
      // a one-character word (a lone bracket) cannot be told from typing it
      await eventually(() => api.outcomes().counts.typedAlong > before.counts.typedAlong, 'counted as typed along');
    } else {
      // a one-word suggestion is taken whole by accept-next-word: VS Code accepts it as Tab does
      await eventually(() => api.outcomes().counts.tab > before.counts.tab, 'the accept is counted');
      assert.equal(api.outcomes().acceptedChars - before.acceptedChars, inserted.length);
    }
  });

  it('offers nothing while inline completions are turned off', async () => {
    const api = await readyApi();
    await withUserSetting('enable', false, async () => {
      await eventually(() => api.state().kind === 'disabled', 'completions are off');
      const editor = await openAtEnd('completion-off.ts');
      const before = api.outcomes().counts.shown;
      const text = editor.document.getText();
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      assert.equal(api.outcomes().counts.shown, before);
      assert.equal(editor.document.getText(), text);
    });
  });
});
