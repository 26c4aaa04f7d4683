import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompletionEngine } from '../../src/core/complete/types';
import { feedRecentFiles } from '../../src/vscode/complete/recentFilesFeed';
import { activateOndi, eventually } from './helpers';

async function open(name: string, text: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  const file = path.join(folder.uri.fsPath, 'src', name);
  await fs.writeFile(file, text);
  return vscode.window.showTextDocument(vscode.Uri.file(file));
}

describe('files worked in lend snippets', () => {
  it('tells the engine about the file left and the file saved, never about a secrets file', async () => {
    const { api } = await activateOndi();
    const noted: string[] = [];
    const engine: CompletionEngine = {
      complete: () => Promise.resolve(undefined),
      noteFile: (file, text) => noted.push(`${path.basename(file)}:${text.length}`),
    };
    const feed = feedRecentFiles({ config: api.config, engine: () => engine });
    try {
      await open('feed-a.ts', 'export const a = 1;\n');
      const b = await open('feed-b.ts', 'export const b = 2;\n');
      await eventually(() => noted.includes('feed-a.ts:20'), 'the file left was noted');
      await b.edit((e) => e.insert(new vscode.Position(0, 0), '// b\n'));
      await b.document.save();
      await eventually(() => noted.includes('feed-b.ts:25'), 'the saved file was noted');
      const secret = await open('secrets.ts', 'export const token = "x";\n');
      await secret.document.save();
      await open('feed-c.ts', 'export const c = 3;\n'); // leaves secrets.ts
      await open('feed-d.ts', 'export const d = 4;\n'); // leaves feed-c.ts: the switches before it were handled
      await eventually(() => noted.includes('feed-c.ts:20'), 'the file after it was noted');
      assert.ok(!noted.some((n) => n.startsWith('secrets.ts')), noted.join(', '));
      // deleted on disk (as git or a terminal would): the engine forgets it
      await fs.rm(b.document.uri.fsPath);
      await eventually(() => noted.includes('feed-b.ts:0'), 'the deleted file was forgotten');
    } finally {
      feed.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
