import * as vscode from 'vscode';
import { describeLearned } from '../../core/adapt/learningMessages';
import { describeError, type Logger } from '../../core/log';
import { COMMAND_IDS } from '../commandIds';
import { mayLearnFromWorkspace, UNTRUSTED_LEARNING } from '../../core/workspaceTrust';
import { LearnedPage, showLearned } from './learnedPage';
import { UserFacingError, type PersonalLearning } from './personalLearning';

const FILE_FILTERS = { 'Ondi personal model': ['ondi'] };

export function registerPersonalCommands(personal: PersonalLearning, log: Logger): vscode.Disposable[] {
  const page = new LearnedPage();
  return [
    page,
    page.register(),
    register(log, COMMAND_IDS.trainPersonalModel, () => trainNow(personal)),
    register(log, COMMAND_IDS.pauseLearning, async () => {
      await personal.pause();
      vscode.window.setStatusBarMessage('Ondi: learning paused', 3000);
    }),
    register(log, COMMAND_IDS.resumeLearning, async () => {
      await personal.resume();
      vscode.window.setStatusBarMessage('Ondi: learning resumed; it runs when the editor is idle', 3000);
    }),
    register(log, COMMAND_IDS.resetPersonalModel, (args) =>
      reset(personal, (args as { confirmed?: boolean } | undefined)?.confirmed === true),
    ),
    register(log, COMMAND_IDS.exportPersonalModel, (target) => exportModel(personal, asUri(target))),
    register(log, COMMAND_IDS.importPersonalModel, (source) => importModel(personal, asUri(source))),
    register(log, COMMAND_IDS.showLearned, () => showLearned(personal, page)),
  ];
}

/** Logs failures and shows them; a UserFacingError's message is shown as it is. */
function register(log: Logger, id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof UserFacingError) {
        void vscode.window.showWarningMessage(`Ondi: ${error.message}`);
      } else {
        log.error(`command ${id} failed`, error);
        void vscode.window.showErrorMessage(`Ondi: ${describeError(error)}. See "Ondi: Show Log" for details.`);
      }
      return undefined;
    }
  });
}

async function trainNow(personal: PersonalLearning): Promise<boolean> {
  if (!mayLearnFromWorkspace(vscode.workspace.isTrusted)) throw new UserFacingError(UNTRUSTED_LEARNING);
  const started = Date.now();
  const meta = await personal.trainNow();
  if (meta) {
    void vscode.window.showInformationMessage(
      `Ondi: ${describeLearned(meta, (Date.now() - started) / 1000)} Completions use it now.`,
    );
    return true;
  }
  const problem = personal.status.problem;
  if (problem) void vscode.window.showWarningMessage(`Ondi: ${problem}`);
  else
    void vscode.window.showInformationMessage(
      'Ondi: learning stopped before it finished; the previous personal model stays.',
    );
  return false;
}

/** `confirmed` (a caller that already asked, a test) skips the question. */
async function reset(personal: PersonalLearning, confirmed = false): Promise<boolean> {
  const remove = 'Delete';
  const removeAndPause = 'Delete and Pause Learning';
  if (confirmed) {
    await personal.reset();
    return true;
  }
  const answer = await vscode.window.showWarningMessage(
    'Delete everything Ondi learned from this workspace?',
    {
      modal: true,
      detail: 'The personal model file is deleted from this machine. Completions go back to the base model.',
    },
    remove,
    removeAndPause,
  );
  if (answer !== remove && answer !== removeAndPause) return false;
  if (answer === removeAndPause) await personal.pause();
  await personal.reset();
  vscode.window.setStatusBarMessage('Ondi: personal model deleted', 5000);
  return true;
}

/** A Uri passed by a caller (another extension, a test) skips the file dialog. */
function asUri(value: unknown): vscode.Uri | undefined {
  return value instanceof vscode.Uri ? value : undefined;
}

async function exportModel(personal: PersonalLearning, given: vscode.Uri | undefined): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target =
    given ??
    (await vscode.window.showSaveDialog({
      title: 'Export Personal Model',
      filters: FILE_FILTERS,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'personal.ondi') } : {}),
    }));
  if (!target) return false;
  await personal.exportTo(target.fsPath);
  void vscode.window.showInformationMessage(`Ondi: personal model exported to ${target.fsPath}`);
  return true;
}

async function importModel(personal: PersonalLearning, given: vscode.Uri | undefined): Promise<boolean> {
  const picked = given
    ? [given]
    : await vscode.window.showOpenDialog({
        title: 'Import Personal Model',
        filters: FILE_FILTERS,
        canSelectMany: false,
      });
  const source = picked?.[0];
  if (!source) return false;
  const meta = await personal.importFrom(source.fsPath);
  void vscode.window.showInformationMessage(
    `Ondi: personal model imported${meta ? ` (${meta.files} files, ${meta.tokens.toLocaleString('en-US')} tokens)` : ''}; completions use it now.`,
  );
  return true;
}
