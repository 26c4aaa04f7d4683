import * as vscode from 'vscode';
import type { PerformableAction } from '../../core/next/signals/actions';
import type { Suggestions } from '../../core/next/nextStepPredictor';

/**
 * The status bar item with the most likely next step ("$(play) Ondi: npm: test"); its DOM id in the
 * workbench is `ondi.ondi.nextStep`. Hidden while no step clears the learned threshold.
 */
export class NextStepStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('nextStep', vscode.StatusBarAlignment.Right, 99);
    this.item.name = 'Ondi Next Step';
    this.item.command = command;
  }

  show(suggestions: Suggestions): void {
    const top = suggestions.steps[0];
    if (!top || !suggestions.showTop) {
      this.item.hide();
      return;
    }
    const percent = asPercent(top.confidence);
    // "Ondi:" says whose item it is: a bare file name next to an icon read as the editor's own
    this.item.text = `${iconOf(top.action)} Ondi: ${shortLabel(top.action, top.label)}`;
    this.item.tooltip = `Ondi next step (${percent}% sure): ${top.label}\n${top.reason}\nClick for more suggestions.`;
    this.item.accessibilityInformation = {
      label: `Ondi next step: ${top.label}, ${percent} percent sure`,
      role: 'button',
    };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

export function iconOf(action: PerformableAction): string {
  switch (action.kind) {
    case 'open':
      return '$(go-to-file)';
    case 'task':
      return '$(play)';
    case 'shell':
      return '$(terminal)';
    case 'debug':
      return '$(debug-alt)';
    case 'commit':
      return '$(git-commit)';
  }
}

/** The status bar has little room: the task name, the command, the file name. */
function shortLabel(action: PerformableAction, label: string): string {
  const text = action.kind === 'task' ? action.name : action.kind === 'open' ? label.replace(/^Open /, '') : label;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** A confidence as a whole percentage; never "100%", since a habit can always change. */
export function asPercent(confidence: number): number {
  return Math.min(99, Math.round(100 * confidence));
}
