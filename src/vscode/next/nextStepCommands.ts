import * as vscode from 'vscode';
import { pickOne } from '../pickOne';
import type { Logger } from '../../core/log';
import type { NextStepSession } from '../../core/next/nextStepSession';
import { stepRefusal } from '../../core/workspaceTrust';
import { COMMAND_IDS } from '../commandIds';
import { asPercent, iconOf } from './nextStepStatusBar';
import { performStep } from './performStep';

export interface NextStepCommandDeps {
  readonly session: () => NextStepSession | undefined;
  readonly globalState: vscode.Memento;
  readonly log: Logger;
  /** vscode.workspace.isTrusted, read when a step is performed. */
  readonly isTrusted: () => boolean;
}

/** Options of "ondi.nextStep" for keybindings and tests: perform the n-th suggestion (0 = top) without asking. */
export interface NextStepArgs {
  readonly perform?: number;
}

/** "Ondi: Next Step", "Ondi: Why This Suggestion?" and "Ondi: Delete Habit History…". */
export function registerNextStepCommands(deps: NextStepCommandDeps): vscode.Disposable[] {
  return [
    register(deps.log, COMMAND_IDS.nextStep, (args?: NextStepArgs) => nextStep(deps, args)),
    register(deps.log, COMMAND_IDS.whyNextStep, () => whyNextStep(deps)),
    register(deps.log, COMMAND_IDS.forgetNextSteps, (args?: { confirmed?: boolean }) =>
      forget(deps, args?.confirmed === true),
    ),
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

/** Shows the top five steps with their reasons and performs the one picked; returns its key. */
async function nextStep(deps: NextStepCommandDeps, args: NextStepArgs | undefined): Promise<string | undefined> {
  const session = deps.session();
  const steps = session?.suggest(5).steps ?? [];
  if (steps.length === 0) {
    void vscode.window.showInformationMessage(
      'Ondi has no next step to suggest yet: it learns from what you do in this workspace.',
    );
    return undefined;
  }
  const chosen = await pickOne(
    steps,
    args?.perform,
    (step) => ({
      label: `${iconOf(step.action)} ${step.label}`,
      description: `${asPercent(step.confidence)}%`,
      detail: step.reason,
    }),
    { title: 'Ondi: Next Step', placeHolder: 'Pick a step to do it' },
  );
  if (!chosen) return undefined;
  const refusal = stepRefusal(chosen.action.kind, deps.isTrusted());
  if (refusal) {
    deps.log.info(`next steps: not performing "${chosen.label}" in Restricted Mode`);
    void vscode.window.showWarningMessage(refusal);
    return undefined;
  }
  deps.log.info(`next steps: performing "${chosen.label}"`);
  const done = await performStep(chosen.action, deps.globalState);
  if (!done) void vscode.window.showWarningMessage(`Ondi could not do "${chosen.label}" any more.`);
  return done ? chosen.key : undefined;
}

/** Explains the top suggestion: what, how sure, why, and the bar it had to clear. Returns the text. */
async function whyNextStep(deps: NextStepCommandDeps): Promise<string> {
  const suggestions = deps.session()?.suggest(5);
  const top = suggestions?.steps[0];
  const text =
    !suggestions || !top
      ? 'Ondi has no suggestion yet: it learns from what you do in this workspace (files, tasks, terminal commands, debugging, commits) and from its git history.'
      : `Ondi suggests "${top.label}" (${asPercent(top.confidence)}% sure). ${top.reason}. ` +
        `It shows a step in the status bar when it is at least ${Math.round(100 * suggestions.threshold)}% sure; that bar moves with how often you take its suggestions.`;
  void vscode.window.showInformationMessage(text);
  return text;
}

async function forget(deps: NextStepCommandDeps, confirmed: boolean): Promise<boolean> {
  const session = deps.session();
  if (!session) return false;
  if (!confirmed) {
    const choice = await vscode.window.showWarningMessage(
      'Delete everything Ondi learned about your next steps in this workspace?',
      {
        modal: true,
        detail:
          'The event log and what was learned from it are deleted from this machine. Git history is learned again from the repository.',
      },
      'Delete',
    );
    if (choice !== 'Delete') return false;
  }
  await session.forget();
  void vscode.window.showInformationMessage('Ondi forgot your next-step history for this workspace.');
  return true;
}
