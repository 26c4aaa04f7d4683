import * as vscode from 'vscode';
import { CONFIG_SECTION, parseConfig, type OndiConfig, type ParsedConfig } from '../core/config';

/**
 * The one place that reads `ondi.*` from VS Code. Everyone else asks `current` (already parsed,
 * typed and defaulted) or listens to `onDidChange`.
 */
export class Settings implements vscode.Disposable {
  private parsed: ParsedConfig = readSettings();
  private readonly changed = new vscode.EventEmitter<ParsedConfig>();
  private readonly subscription: vscode.Disposable;

  /** Fires after any `ondi.*` setting changed, with the new config and its problems. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(CONFIG_SECTION)) {
        this.parsed = readSettings();
        this.changed.fire(this.parsed);
      }
    });
  }

  get current(): OndiConfig {
    return this.parsed.config;
  }

  get problems(): ParsedConfig['problems'] {
    return this.parsed.problems;
  }

  /**
   * Writes `ondi.enable` where its effective value comes from (folder, workspace or user), so
   * the toggle always changes what the user experiences.
   */
  async setEnabled(enabled: boolean): Promise<void> {
    const section = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const inspected = section.inspect<boolean>('enable');
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await section.update('enable', enabled, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function readSettings(): ParsedConfig {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return parseConfig((key) => section.get<unknown>(key));
}
