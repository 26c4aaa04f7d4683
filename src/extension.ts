import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OndiConfig } from './core/config';
import type { OutcomeStats } from './core/outcomes/outcomes';
import { timingFileSink } from './core/complete/requestTiming';
import { EDITOR_BLOCK_BUDGET_MS } from './core/complete/stopRules';
import { EngineLifecycle } from './core/engine/lifecycle';
import { workerEngineLoader } from './core/engine/workerClient';
import type { OndiState } from './core/status';
import { configUnderTrust } from './core/workspaceTrust';
import { COMMAND_IDS } from './vscode/commandIds';
import { registerCommands } from './vscode/commands';
import { registerDashboard } from './vscode/dashboard/registerDashboard';
import { activateNextSteps } from './vscode/next/nextSteps';
import { activateNextEdit } from './vscode/nextEdit/nextEdit';
import { OndiInlineCompletionProvider } from './vscode/complete/inlineCompletionProvider';
import { InlineCompletionRegistration } from './vscode/complete/inlineCompletionRegistration';
import { startOutcomeRecording } from './vscode/complete/outcomeRecording';
import { warmPrompts } from './vscode/complete/promptWarmer';
import { feedRecentFiles } from './vscode/complete/recentFilesFeed';
import { feedWorkspaceIndex } from './vscode/complete/workspaceIndexFeed';
import { createOutputChannelLogger } from './vscode/outputChannelLogger';
import { Settings } from './vscode/settings';
import { OndiStatusBar } from './vscode/statusBar';
import { registerPersonalCommands } from './vscode/personal/personalCommands';
import { PersonalLearning, type PersonalStatus } from './vscode/personal/personalLearning';

/** What activate() returns: read-only facts for other extensions and the host tests. */
export interface OndiApi {
  readonly state: () => OndiState;
  readonly config: () => OndiConfig;
  readonly inlineCompletionLanguages: () => readonly string[];
  /** What became of the completions shown so far (all sessions), and their latency. */
  readonly outcomes: () => OutcomeStats;
  /** The workspace's personal model: where it is stored, what it learned, whether it is applied. */
  readonly personal: () => PersonalStatus;
  /** Keys of the latest next-step actions recorded in this workspace, oldest first. */
  readonly recentActions: (limit: number) => readonly string[];
}

/** The model that ships inside the extension (config, tokenizer, onnx/). */
const MODEL_FOLDER = ['models', 'ondi-code'];

export function activate(context: vscode.ExtensionContext): OndiApi {
  const keep = <T extends vscode.Disposable>(disposable: T): T => {
    context.subscriptions.push(disposable);
    return disposable;
  };

  const settings = keep(new Settings());
  const channel = keep(vscode.window.createOutputChannel('Ondi', { log: true }));
  const log = createOutputChannelLogger(channel, () => settings.current.logLevel);
  const reportProblems = (): void => settings.problems.forEach((p) => log.warn(`setting ondi.${p.key}: ${p.message}`));
  reportProblems();

  const engine = new EngineLifecycle(log);
  keep({ dispose: () => void engine.dispose() });
  const modelFolder = path.join(context.extensionPath, ...MODEL_FOLDER);
  const worker = { file: path.join(context.extensionPath, 'dist', 'adaptWorker.js') };
  // In Restricted Mode nothing is learned from the workspace; trust granted later starts it
  const personal = keep(
    new PersonalLearning({
      context,
      config: () => configUnderTrust(settings.current, vscode.workspace.isTrusted),
      log,
      engine,
      modelFolder,
      worker,
    }),
  );
  const statusBar = keep(new OndiStatusBar(COMMAND_IDS.showDashboard));
  const showState = (): void =>
    statusBar.show(settings.current.enable ? personal.decorate(engine.state) : { kind: 'disabled' });

  const outcomes = startOutcomeRecording(context, log);
  keep(outcomes.disposable);
  const provider = new OndiInlineCompletionProvider({
    config: () => settings.current,
    engine: () => engine.engine,
    outcomes: outcomes.tracker,
    latency: (ms) => outcomes.store.latency(ms),
    log,
    // one JSON line per request, only when a measurement asks for it (npm run bench:editor)
    ...(process.env['ONDI_TIMING_FILE'] ? { timing: timingFileSink(process.env['ONDI_TIMING_FILE']) } : {}),
  });
  const inline = keep(new InlineCompletionRegistration(provider));
  inline.update(settings.current.languages);
  keep(feedRecentFiles({ config: () => settings.current, engine: () => engine.engine }));
  keep(warmPrompts({ config: () => settings.current, engine: () => engine.engine }));
  keep(
    feedWorkspaceIndex({
      config: () => configUnderTrust(settings.current, vscode.workspace.isTrusted),
      engine: () => engine.engine,
      onDidChangeState: (listener) => engine.onDidChangeState(listener),
    }),
  );

  registerCommands({ channel, settings, log, outcomes: () => outcomes.store.stats }).forEach(keep);
  const nextSteps = keep(activateNextSteps(context, { log, config: () => settings.current }));
  keep(activateNextEdit({ log, config: () => settings.current, nextSteps }));
  registerPersonalCommands(personal, log).forEach(keep);
  keep(
    registerDashboard({
      context,
      log,
      config: () => settings.current,
      engine,
      outcomes: outcomes.store,
      personal,
      nextSteps,
      modelFolder,
    }),
  );
  keep(engine.onDidChangeState(showState));
  keep(personal.onDidChange(showState));
  keep(
    settings.onDidChange(() => {
      reportProblems();
      inline.update(settings.current.languages);
      personal.configChanged();
      showState();
    }),
  );

  keep(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('the workspace is trusted now: learning may start');
      personal.configChanged();
      showState();
    }),
  );

  showState();
  log.info(`Ondi ${String(context.extension.packageJSON.version)} activated`);
  // In the background: the editor is usable at once and the status bar shows the load. The
  // model runs in its own thread (dist/engineWorker.js), so its steps never block the host.
  void engine.start(
    workerEngineLoader(
      modelFolder,
      { file: path.join(context.extensionPath, 'dist', 'engineWorker.js') },
      { blockBudgetMs: EDITOR_BLOCK_BUDGET_MS },
    ),
  );

  return {
    state: () => (settings.current.enable ? engine.state : { kind: 'disabled' }),
    config: () => settings.current,
    inlineCompletionLanguages: () => inline.languages,
    outcomes: () => outcomes.store.stats,
    personal: () => personal.status,
    recentActions: (limit) => nextSteps.recentActions(limit),
  };
}

export function deactivate(): void {
  // Everything, the model included, is released through context.subscriptions.
}
