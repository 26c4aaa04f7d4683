import * as vscode from 'vscode';
import { completionFigures, menuLine } from '../core/outcomes/figures';
import type { OutcomeStats } from '../core/outcomes/outcomes';
import type { Logger } from '../core/log';
import { COMMAND_IDS } from './commandIds';
import type { Settings } from './settings';

export interface CommandDeps {
  readonly channel: vscode.LogOutputChannel;
  readonly settings: Settings;
  readonly log: Logger;
  readonly outcomes: () => OutcomeStats;
}

/**
 * Registers the commands in package.json's `contributes.commands`, except the accept hook
 * that outcome recording owns (outcomeWatcher.ts).
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    register(deps.log, COMMAND_IDS.showLog, () => deps.channel.show(true)),
    register(deps.log, COMMAND_IDS.toggleInlineCompletions, () => toggleInlineCompletions(deps)),
    register(deps.log, COMMAND_IDS.showMenu, () => showMenu(deps)),
  ];
}

/** Wraps a handler so a failure is logged and shown instead of escaping into the editor. */
function register(log: Logger, id: string, handler: () => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async () => {
    try {
      return await handler();
    } catch (error) {
      log.error(`command ${id} failed`, error);
      void vscode.window.showErrorMessage(`Ondi: ${id} failed. See "Ondi: Show Log" for details.`);
      return undefined;
    }
  });
}

async function toggleInlineCompletions(deps: CommandDeps): Promise<boolean> {
  const enabled = !deps.settings.current.enable;
  await deps.settings.setEnabled(enabled);
  deps.log.info(`inline completions turned ${enabled ? 'on' : 'off'}`);
  vscode.window.setStatusBarMessage(`Ondi: inline completions ${enabled ? 'on' : 'off'}`, 3000);
  return enabled;
}

async function showMenu(deps: CommandDeps): Promise<void> {
  const toggleLabel = deps.settings.current.enable ? 'Turn Inline Completions Off' : 'Turn Inline Completions On';
  const stats = deps.outcomes();
  const items: (vscode.QuickPickItem & { command?: string })[] = [
    { label: `$(dashboard) Show Dashboard`, command: COMMAND_IDS.showDashboard },
    { label: `$(output) Show Log`, command: COMMAND_IDS.showLog },
    { label: `$(sparkle) ${toggleLabel}`, command: COMMAND_IDS.toggleInlineCompletions },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    // the dashboard's figures, in its words (core/outcomes/figures.ts)
    { label: `$(graph) ${menuLine(completionFigures(stats))}` },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Ondi', placeHolder: 'What should Ondi do?' });
  if (picked?.command) {
    await vscode.commands.executeCommand(picked.command);
  }
}
