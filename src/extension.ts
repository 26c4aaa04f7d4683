import * as vscode from 'vscode';
import type { OndiConfig } from './core/config';
import { EngineLifecycle, type EngineLoader } from './core/engineLifecycle';
import type { OndiState } from './core/status';
import { COMMAND_IDS } from './vscode/commandIds';
import { registerCommands } from './vscode/commands';
import { OndiInlineCompletionProvider } from './vscode/inlineCompletionProvider';
import { InlineCompletionRegistration } from './vscode/inlineCompletionRegistration';
import { createOutputChannelLogger } from './vscode/outputChannelLogger';
import { Settings } from './vscode/settings';
import { OndiStatusBar } from './vscode/statusBar';

/** What activate() returns: read-only facts for other extensions and the host tests. */
export interface OndiApi {
  readonly state: () => OndiState;
  readonly config: () => OndiConfig;
  readonly inlineCompletionLanguages: () => readonly string[];
}

/**
 * No model ships yet: the loader says so and the provider offers nothing, rather than
 * inventing completions. The on-device engine plugs in here.
 */
const loadEngine: EngineLoader = () => Promise.resolve(undefined);

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
  const statusBar = keep(new OndiStatusBar(COMMAND_IDS.showMenu));
  const showState = (): void => statusBar.show(settings.current.enable ? engine.state : { kind: 'disabled' });

  const provider = new OndiInlineCompletionProvider({
    config: () => settings.current,
    engine: () => engine.engine,
    log,
  });
  const inline = keep(new InlineCompletionRegistration(provider));
  inline.update(settings.current.languages);

  registerCommands({ channel, settings, log }).forEach(keep);
  keep(engine.onDidChangeState(showState));
  keep(
    settings.onDidChange(() => {
      reportProblems();
      inline.update(settings.current.languages);
      showState();
    }),
  );

  showState();
  log.info(`Ondi ${String(context.extension.packageJSON.version)} activated`);
  void engine.start(loadEngine);

  return {
    state: () => (settings.current.enable ? engine.state : { kind: 'disabled' }),
    config: () => settings.current,
    inlineCompletionLanguages: () => inline.languages,
  };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
