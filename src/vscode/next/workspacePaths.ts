import * as vscode from 'vscode';

/** The workspace-relative path ('/'-separated) of a file in the workspace, or undefined for anything else. */
export function workspacePath(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return undefined;
  if (!vscode.workspace.getWorkspaceFolder(uri)) return undefined;
  return vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
}

/** The file's URI from a workspace-relative path (in the first folder that has it). */
export function workspaceUri(relative: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, ...relative.split('/')) : undefined;
}

/** The name a person sees for a task: "npm: test" for detected tasks, the label for tasks.json ones. */
export function taskLabel(task: vscode.Task): string {
  return task.source && task.source !== 'Workspace' ? `${task.source}: ${task.name}` : task.name;
}
