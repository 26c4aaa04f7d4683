import * as vscode from 'vscode';
import { buildDashboard } from '../../core/dashboard/buildDashboard';
import type { Logger } from '../../core/log';
import { COMMAND_IDS } from '../commandIds';
import { dashboardActions } from './dashboardActions';
import { DashboardPanel } from './dashboardPanel';
import { DashboardSourceReader, type DashboardSourceDeps } from './dashboardSources';

export interface DashboardDeps extends DashboardSourceDeps {
  readonly log: Logger;
}

/** "Ondi: Show Dashboard" and the live updates behind it. */
export function registerDashboard(deps: DashboardDeps): vscode.Disposable {
  const reader = new DashboardSourceReader(deps);
  const handle = dashboardActions({
    log: deps.log,
    outcomes: deps.outcomes,
    personal: deps.personal,
    nextSteps: deps.nextSteps,
    storageFolders: () => reader.storageFolders,
    busy: (what) => panel.busy(what),
    refresh: () => void panel.refresh(),
  });
  const panel: DashboardPanel = new DashboardPanel({
    extensionUri: deps.context.extensionUri,
    log: deps.log,
    read: async () => buildDashboard(await reader.read()),
    handle,
  });
  const changed = (): void => panel.changed();
  return vscode.Disposable.from(
    panel,
    vscode.commands.registerCommand(COMMAND_IDS.showDashboard, () => panel.show()),
    deps.engine.onDidChangeState(changed),
    deps.outcomes.onDidChange(changed),
    deps.personal.onDidChange(changed),
    deps.nextSteps.onDidChange(changed),
  );
}
