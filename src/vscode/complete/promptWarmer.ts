import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import { createOfferGate } from '../../core/complete/gate';
import type { CompletionEngine } from '../../core/complete/types';
import { completionRequest } from './completionRequest';

export interface PromptWarmerDeps {
  readonly config: () => OndiConfig;
  readonly engine: () => CompletionEngine | undefined;
}

/**
 * The cursor has to rest this long before its spot is prepared, so arrowing through lines
 * (key repeat every ~30 ms) reads nothing; short enough that End then Enter at a brisk 80 ms
 * per key finds the prompt read (a warm-up is aborted by the next one or by any request, and
 * what it read stays).
 */
const SETTLE_MS = 40;

/**
 * A completion at a spot the user just moved to needs the model to read its whole prompt first
 * (80-140 ms on two cores), while typing on where they were costs a few tokens. So when a file
 * comes to the front or the cursor is put somewhere (a click, a jump, arrow keys), the engine
 * reads that spot's prompt in the background, and the first keystroke there finds it ready.
 * A move that comes with an edit (typing, an accept, an undo) is left to the completion
 * requests themselves.
 */
export function warmPrompts(deps: PromptWarmerDeps): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const seen = new WeakMap<vscode.TextDocument, number>();
  /** True when the document changed since the last look (the move came with an edit). */
  const edited = (document: vscode.TextDocument): boolean => {
    const before = seen.get(document);
    seen.set(document, document.version);
    return before !== undefined && before !== document.version;
  };
  const schedule = (editor: vscode.TextEditor | undefined): void => {
    clearTimeout(timer);
    if (!editor || edited(editor.document)) return;
    const version = editor.document.version;
    timer = setTimeout(() => {
      if (editor.document.version === version) warm(editor);
    }, SETTLE_MS);
  };
  const warm = (editor: vscode.TextEditor): void => {
    const { document, selection } = editor;
    if (document.isClosed || !selection.isEmpty || vscode.window.activeTextEditor !== editor) return;
    const config = deps.config();
    if (!createOfferGate(config)({ languageId: document.languageId, path: document.uri.fsPath }).offer) return;
    deps.engine()?.warm?.(completionRequest(document, selection.active, config.maxTokens));
  };
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(schedule),
    vscode.window.onDidChangeTextEditorSelection((event) => schedule(event.textEditor)),
    { dispose: () => clearTimeout(timer) },
  );
}
