import * as vscode from 'vscode';
import { pickOne } from '../pickOne';
import type { Logger } from '../../core/log';
import type { EditCandidate } from '../../core/nextEdit/types';
import { COMMAND_IDS } from '../commandIds';
import type { NextEditController, NextEditState } from './nextEditController';

/**
 * Options of "ondi.nextEdit.list" for keybindings and tests: `pick` goes to the n-th candidate
 * (0 = best) without asking; `inspect` returns the edit log and the candidates and shows nothing.
 */
export interface NextEditListArgs {
  readonly pick?: number;
  readonly inspect?: boolean;
}

const KIND_ICON: Readonly<Record<EditCandidate['kind'], string>> = {
  occurrence: '$(symbol-variable)',
  'call-site': '$(symbol-method)',
  'repeat-pattern': '$(replace-all)',
  'sibling-branch': '$(git-branch)',
  'test-file': '$(beaker)',
  'co-change': '$(files)',
};

/** "Ondi: Next Edit" and the Tab / Esc commands of the marker. */
export function registerNextEditCommands(controller: NextEditController, log: Logger): vscode.Disposable[] {
  return [
    register(log, COMMAND_IDS.nextEditList, (args?: NextEditListArgs) => list(controller, args)),
    register(log, COMMAND_IDS.nextEditJump, () => controller.jump()),
    register(log, COMMAND_IDS.nextEditApply, () => controller.apply()),
    register(log, COMMAND_IDS.nextEditDismiss, () => controller.dismiss()),
  ];
}

function register<A>(log: Logger, id: string, handler: (args?: A) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (args?: A) => {
    try {
      return await handler(args);
    } catch (error) {
      log.error(`command ${id} failed`, error);
      void vscode.window.showErrorMessage(`Ondi: ${id} failed. See "Ondi: Show Log" for details.`);
      return undefined;
    }
  });
}

/** Lists the best candidates with their reasons; picking one goes there. */
async function list(
  controller: NextEditController,
  args: NextEditListArgs | undefined,
): Promise<NextEditState | EditCandidate | undefined> {
  if (args?.inspect) return controller.state();
  const candidates = controller.shown ? controller.state().candidates : await controller.predict();
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      'Ondi has no next edit to suggest: it predicts one from the edits you just made (a rename, a changed call, a repeated change).',
    );
    return undefined;
  }
  const chosen = await pickOne(
    candidates,
    args?.pick,
    (candidate) => ({
      label: `${KIND_ICON[candidate.kind]} ${candidate.path}:${candidate.line + 1}`,
      description: candidate.proposal ? 'Tab there applies a proposed change' : '',
      detail: candidate.reason,
    }),
    { title: 'Ondi: Next Edit', placeHolder: 'Pick a place to go there' },
  );
  if (!chosen) return undefined;
  controller.choose(chosen);
  await controller.jump();
  return chosen;
}
