import * as vscode from 'vscode';
import { withTimeLeft } from '../core/adapt/learningMessages';
import { presentStatus, type OndiState } from '../core/status';

/**
 * The "Ondi" status bar item (its DOM id in the workbench is `ondi.ondi.status`, as VS Code
 * prefixes the extension id). Clicking it opens the Ondi dashboard.
 */
export class OndiStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(clickCommand: string) {
    this.item = vscode.window.createStatusBarItem('status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Ondi';
    this.item.command = clickCommand;
    this.item.show();
  }

  show(state: OndiState): void {
    const { text, tooltip } = withTimeLeft(state, presentStatus(state));
    this.item.text = text;
    this.item.tooltip = tooltip;
    // Screen readers would otherwise read the codicon's name ("sparkle Ondi").
    this.item.accessibilityInformation = { label: tooltip, role: 'button' };
    this.item.backgroundColor =
      state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
