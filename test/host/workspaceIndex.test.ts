import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompletionEngine } from '../../src/core/complete/types';
import { feedWorkspaceIndex } from '../../src/vscode/complete/workspaceIndexFeed';
import { activateOndi, eventually } from './helpers';

describe('the whole workspace lends snippets', () => {
  it('names the folders to index, and passes on files created, renamed and deleted', async () => {
    const { api } = await activateOndi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const scopes: string[][] = [];
    const files: string[] = [];
    const engine: CompletionEngine = {
      complete: () => Promise.resolve(undefined),
      indexWorkspace: (scope) => scopes.push([...scope.folders]),
      indexFile: (file) => files.push(path.basename(file)),
    };
    const feed = feedWorkspaceIndex({
      config: api.config,
      engine: () => engine,
      onDidChangeState: () => ({ dispose: () => undefined }),
    });
    const created = path.join(folder.uri.fsPath, 'src', 'index-feed-a.ts');
    const renamed = path.join(folder.uri.fsPath, 'src', 'index-feed-b.ts');
    try {
      assert.deepEqual(scopes, [[folder.uri.fsPath]]);
      // written on disk without being opened (as git or a terminal would)
      await fs.writeFile(created, 'export const neverOpened = 1;\n');
      await eventually(() => files.includes('index-feed-a.ts'), 'the created file was passed on');
      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(vscode.Uri.file(created), vscode.Uri.file(renamed));
      await vscode.workspace.applyEdit(edit);
      await eventually(() => files.includes('index-feed-b.ts'), 'the renamed file was passed on');
      // the editor batches file events, and a create and a delete of one path inside one batch
      // cancel out: let the rename's own events pass before the delete
      await new Promise((resolve) => setTimeout(resolve, 2000));
      files.length = 0;
      await fs.rm(renamed);
      await eventually(() => files.includes('index-feed-b.ts'), 'the deleted file was passed on', 20_000);
    } finally {
      feed.dispose();
      await fs.rm(created, { force: true });
      await fs.rm(renamed, { force: true });
    }
  });
});
