import * as vscode from 'vscode';
import type { EditCandidate } from '../../core/nextEdit/types';
import { workspacePath } from '../next/workspacePaths';

/**
 * What the marker says at the line: the reason, or, when Tab there applies the proposal
 * (`atProposal`), the first line it changes (`lineText` reads the document's lines).
 */
export function markerText(
  candidate: EditCandidate,
  atProposal: boolean,
  lineText: (line: number) => string | undefined,
): string {
  const proposal = candidate.proposal;
  if (atProposal && proposal) {
    const lines = proposal.newText.split('\n');
    const changed = lines.find((text, i) => text !== lineText(proposal.lines.start + i)) ?? lines[0] ?? '';
    return `⇥ Ondi: Tab applies  ${clip(changed.trim(), 80)}`;
  }
  return `⇥ Ondi: ${clip(candidate.reason, 80)}`;
}

/**
 * The predicted next edit on screen: a faint whole-line background with an after-text at the
 * line ("⇥ Ondi: rename here"), a mark in the overview ruler, and, when the line is not in
 * view (another file, scrolled away), a status bar line that goes there on click.
 */
export class NextEditMarker implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.hoverHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    after: {
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
      margin: '0 0 0 2em',
    },
  });
  private readonly item: vscode.StatusBarItem;
  private decorated: vscode.TextEditor[] = [];

  constructor(jumpCommand: string) {
    this.item = vscode.window.createStatusBarItem('nextEdit', vscode.StatusBarAlignment.Right, 98);
    this.item.name = 'Ondi Next Edit';
    this.item.command = jumpCommand;
  }

  /**
   * Draws `candidate` in the editors that show its file and says whether it is in view in
   * the active one; undefined hides everything.
   */
  show(candidate: EditCandidate | undefined, atProposal: boolean): boolean {
    for (const editor of this.decorated) editor.setDecorations(this.decoration, []);
    this.decorated = [];
    if (!candidate) {
      this.item.hide();
      return false;
    }
    for (const editor of vscode.window.visibleTextEditors) {
      if (workspacePath(editor.document.uri) !== candidate.path || candidate.line >= editor.document.lineCount)
        continue;
      const line = editor.document.lineAt(candidate.line).range;
      editor.setDecorations(this.decoration, [
        {
          range: line,
          renderOptions: { after: { contentText: markerText(candidate, atProposal, lineReader(editor.document)) } },
        },
      ]);
      this.decorated.push(editor);
    }
    const active = vscode.window.activeTextEditor;
    const inView =
      active !== undefined &&
      workspacePath(active.document.uri) === candidate.path &&
      active.visibleRanges.some((r) => r.start.line <= candidate.line && candidate.line <= r.end.line);
    if (inView) {
      this.item.hide();
    } else {
      const name = candidate.path.slice(candidate.path.lastIndexOf('/') + 1);
      this.item.text = `$(arrow-right) Ondi: next edit ${name}:${candidate.line + 1}`;
      this.item.tooltip = `${candidate.reason}\nTab or click goes there; Esc dismisses.`;
      this.item.accessibilityInformation = {
        label: `Ondi next edit in ${name} line ${candidate.line + 1}: ${candidate.reason}`,
        role: 'button',
      };
      this.item.show();
    }
    return inView;
  }

  dispose(): void {
    this.decoration.dispose();
    this.item.dispose();
  }
}

function lineReader(document: vscode.TextDocument): (line: number) => string | undefined {
  return (line) => (line < document.lineCount ? document.lineAt(line).text : undefined);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
