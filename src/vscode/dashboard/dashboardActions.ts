import * as vscode from 'vscode';
import type { OutcomeStore } from '../../core/outcomes/outcomeStore';
import type { DashboardRequest } from '../../core/dashboard/dashboardData';
import { deleteStoredFiles, listStoredFiles } from '../../core/dashboard/storedFiles';
import { LearningCancelledError } from '../../core/adapt/workerClient';
import { describeError, type Logger } from '../../core/log';
import { COMMAND_IDS } from '../commandIds';
import type { NextSteps } from '../next/nextSteps';
import { UserFacingError, type PersonalLearning } from '../personal/personalLearning';

export interface DashboardActionDeps {
  readonly log: Logger;
  readonly outcomes: OutcomeStore;
  readonly personal: PersonalLearning;
  readonly nextSteps: NextSteps;
  readonly storageFolders: () => string[];
  readonly busy: (what: string | undefined) => void;
  readonly refresh: () => void;
}

/** The dashboard's buttons. Learning controls go through their commands, so they behave as in the palette. */
export function dashboardActions(deps: DashboardActionDeps): (request: DashboardRequest) => Promise<void> {
  let measuring = false;
  return async (request) => {
    switch (request.type) {
      case 'pauseLearning':
        await vscode.commands.executeCommand(COMMAND_IDS.pauseLearning);
        return;
      case 'resumeLearning':
        await vscode.commands.executeCommand(COMMAND_IDS.resumeLearning);
        return;
      case 'trainNow':
        await vscode.commands.executeCommand(COMMAND_IDS.trainPersonalModel);
        return;
      case 'showMenu':
        await vscode.commands.executeCommand(COMMAND_IDS.showMenu);
        return;
      case 'measureLift':
        if (measuring) return;
        measuring = true;
        try {
          await measureLift(deps);
        } finally {
          measuring = false;
        }
        return;
      case 'deleteHabit':
        if (deps.nextSteps.session()?.forgetHabit(request.trigger, request.next)) {
          vscode.window.setStatusBarMessage('Ondi: habit deleted', 3000);
        }
        deps.refresh();
        return;
      case 'deleteEverything':
        await deleteEverything(deps);
        return;
      case 'ready':
        return;
    }
  };
}

async function measureLift(deps: DashboardActionDeps): Promise<void> {
  const abort = new AbortController();
  deps.busy('Measuring…');
  try {
    await deps.personal.measureLift(abort.signal, (done, total) => deps.busy(`Measuring… ${done}/${total}`));
  } catch (error) {
    if (error instanceof UserFacingError) void vscode.window.showWarningMessage(`Ondi: ${error.message}`);
    else if (!(error instanceof LearningCancelledError))
      void vscode.window.showErrorMessage(`Ondi: the measurement failed: ${describeError(error)}`);
  } finally {
    deps.busy(undefined);
    deps.refresh();
  }
}

/** Asks first, then deletes every file Ondi keeps on this machine and what it holds in memory. */
async function deleteEverything(deps: DashboardActionDeps): Promise<void> {
  const folders = deps.storageFolders();
  const files = await listStoredFiles(folders);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const confirm = 'Delete Everything';
  const answer = await vscode.window.showWarningMessage(
    'Delete everything Ondi stored on this machine?',
    {
      modal: true,
      detail:
        `${files.length} ${files.length === 1 ? 'file' : 'files'} (${(bytes / 1e6).toFixed(2)} MB): the completion statistics, the personal models of every workspace and their measurements, ` +
        "and this workspace's next-step history. Completions keep working with the base model; Ondi starts learning again from now on unless learning is paused.",
    },
    confirm,
  );
  if (answer !== confirm) return;
  await deps.personal.reset();
  await deps.nextSteps.session()?.forget();
  await deps.outcomes.clear();
  // what is left belongs to other workspaces (their personal models) or to nothing Ondi has open
  await deleteStoredFiles(await listStoredFiles(folders), folders);
  deps.log.info(`deleted everything Ondi stored: ${files.length} files under ${folders.join(', ')}`);
  void vscode.window.showInformationMessage('Ondi deleted everything it had stored on this machine.');
  deps.refresh();
}
