import * as vscode from 'vscode';
import { presentStatus, type OndiState } from '../core/status';

/** The "Ondi" status bar item. Clicking it opens the Ondi menu. */
export class OndiStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(clickCommand: string) {
    this.item = vscode.window.createStatusBarItem('ondi.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Ondi';
    this.item.command = clickCommand;
    this.item.show();
  }

  show(state: OndiState): void {
    const { text, tooltip } = presentStatus(state);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
