import * as vscode from 'vscode';
import type { PerformableAction } from '../../core/next/signals/actions';
import { SECRET } from '../../core/privacy/commandSecrets';
import { taskLabel, workspaceUri } from './workspacePaths';

/** Remembers (per user) that Ondi may type suggested commands into a terminal and run them. */
const TERMINAL_CONSENT_KEY = 'ondi.nextSteps.terminalConsent';
const TERMINAL_NAME = 'Ondi';

/**
 * Does what a suggested step says: opens the file, runs the task, types the command into a
 * terminal (asking the first time), starts the debug configuration, or opens the commit input.
 * Returns false when the step cannot be done any more (a task that no longer exists, say).
 */
export async function performStep(action: PerformableAction, globalState: vscode.Memento): Promise<boolean> {
  switch (action.kind) {
    case 'open': {
      const uri = workspaceUri(action.file);
      if (!uri) return false;
      await vscode.window.showTextDocument(uri, { preview: false });
      return true;
    }
    case 'task': {
      const task = (await vscode.tasks.fetchTasks()).find((candidate) => taskLabel(candidate) === action.name);
      if (!task) return false;
      await vscode.tasks.executeTask(task);
      return true;
    }
    case 'shell':
      return runInTerminal(action.command, globalState);
    case 'debug': {
      const folder = vscode.workspace.workspaceFolders?.[0];
      return vscode.debug.startDebugging(folder, action.name);
    }
    case 'commit':
      // The Source Control view puts the cursor in its commit message box.
      await vscode.commands.executeCommand('workbench.view.scm');
      return true;
  }
}

async function runInTerminal(command: string, globalState: vscode.Memento): Promise<boolean> {
  // A command whose secret was removed is typed but not run: the user fills the secret in.
  const runnable = !command.includes(SECRET);
  if (runnable && globalState.get<boolean>(TERMINAL_CONSENT_KEY) !== true) {
    const once = 'Run';
    const always = 'Always Run Suggested Commands';
    const answer = await vscode.window.showInformationMessage(
      `Ondi will type "${command}" into a terminal and run it.`,
      { modal: true, detail: 'Ondi only suggests commands you ran in this workspace before.' },
      once,
      always,
    );
    if (answer === undefined) return false;
    if (answer === always) await globalState.update(TERMINAL_CONSENT_KEY, true);
  }
  const terminal =
    vscode.window.terminals.find((t) => t.name === TERMINAL_NAME) ??
    vscode.window.createTerminal({ name: TERMINAL_NAME });
  terminal.show(true);
  const text = runnable ? command : command.replace(SECRET, '');
  // With shell integration the execution is tracked like one the user typed; otherwise send text.
  if (runnable && terminal.shellIntegration) terminal.shellIntegration.executeCommand(text);
  else terminal.sendText(text, runnable);
  return true;
}
