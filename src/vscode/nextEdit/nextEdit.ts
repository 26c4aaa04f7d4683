import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import type { Logger } from '../../core/log';
import { EditLog } from '../../core/nextEdit/editLog';
import { NextEditPredictor } from '../../core/nextEdit/nextEditPredictor';
import { COMMAND_IDS } from '../commandIds';
import type { NextSteps } from '../next/nextSteps';
import { EditorWorkspaceReader } from './editorWorkspaceReader';
import { feedEditLog } from './editLogFeed';
import { NextEditController } from './nextEditController';
import { registerNextEditCommands } from './nextEditCommands';
import { NextEditMarker } from './nextEditMarker';

export interface NextEditDeps {
  readonly log: Logger;
  readonly config: () => OndiConfig;
  /** The files that change with a file, from the next-step history (co-change), once it is loaded. */
  readonly nextSteps?: NextSteps;
}

/** Files that usually change with the edited one, asked of the next-step history. */
const CO_CHANGED = 4;

/**
 * Next edit in the editor: the edit log fed from document changes, the predictor asked once
 * typing settles, the marker, and the commands Tab and Esc run. One call from activate();
 * everything it starts is released by the returned Disposable.
 */
export function activateNextEdit(deps: NextEditDeps): vscode.Disposable {
  const enabled = (): boolean => deps.config()['nextEdit.enabled'];
  const editLog = new EditLog({ config: deps.config });
  const reader = new EditorWorkspaceReader((doc) => editLog.follows(doc));
  const predictor = new NextEditPredictor({
    reader,
    coChange: (path) =>
      deps.nextSteps
        ?.session()
        ?.relatedFiles(path, CO_CHANGED)
        .map((related) => related.file) ?? [],
  });
  deps.nextSteps?.useLinks((path) => predictor.linksOf(path, editLog.edits(Date.now())));
  const marker = new NextEditMarker(COMMAND_IDS.nextEditJump);
  const controller = new NextEditController({ log: deps.log, editLog, predictor, reader, marker, enabled });
  const render = (): void => {
    if (controller.shown) controller.render();
  };
  return vscode.Disposable.from(
    reader,
    marker,
    controller,
    feedEditLog(editLog, {
      isOwnChange: (document) => controller.isOwnChange(document),
      changed: (document, change) => controller.changed(document, change),
      cursorMoved: render,
    }),
    vscode.window.onDidChangeActiveTextEditor(render),
    vscode.window.onDidChangeVisibleTextEditors(render),
    vscode.window.onDidChangeTextEditorVisibleRanges(render),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('ondi')) controller.configChanged();
    }),
    ...registerNextEditCommands(controller, deps.log),
  );
}
