import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DocumentFacts } from '../../core/complete/gate';
import type { WorkspaceReader } from '../../core/nextEdit/types';
import { workspacePath, workspaceUri } from '../next/workspacePaths';

/** Language ids of the code files the predictor may look at, by extension, for files not open. */
const LANGUAGE_OF: Readonly<Record<string, string>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  py: 'python',
};
const CODE_FILES = `**/*.{${Object.keys(LANGUAGE_OF).join(',')}}`;
const MAX_FILES = 3000;
/** A larger file is not read from disk (generated or bundled code). */
const MAX_FILE_BYTES = 512 * 1024;

/**
 * What the predictor may read, from the editor: an open document's text as the editor has it,
 * other workspace files from disk; only files the edit log would follow (languages, globs,
 * never-learn). The list of files is found once and kept current by file events, never per
 * keystroke.
 */
export class EditorWorkspaceReader implements WorkspaceReader, vscode.Disposable {
  private list: readonly string[] = [];
  private listing: Promise<void> | undefined;
  private readonly watchers: vscode.Disposable[];
  /** Disk reads of one prediction, so a file asked for twice is read once. */
  private cache = new Map<string, string | undefined>();

  constructor(private readonly follows: (doc: DocumentFacts) => boolean) {
    const relist = (): void => void this.refresh();
    this.watchers = [
      vscode.workspace.onDidCreateFiles(relist),
      vscode.workspace.onDidDeleteFiles(relist),
      vscode.workspace.onDidRenameFiles(relist),
    ];
    relist();
  }

  /** Finds the workspace's code files again (after files were created, deleted or renamed). */
  refresh(): Promise<void> {
    this.listing ??= (async () => {
      try {
        const uris = await vscode.workspace.findFiles(CODE_FILES, '**/node_modules/**', MAX_FILES);
        this.list = uris.map(workspacePath).filter((p): p is string => p !== undefined);
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  /** Forgets the disk reads of the last prediction (files may have changed since). */
  fresh(): void {
    this.cache = new Map();
  }

  files(): readonly string[] {
    return this.list.filter((path) => this.follows({ path, languageId: languageOf(path) }));
  }

  read(path: string): string | undefined {
    const open = vscode.workspace.textDocuments.find((d) => !d.isClosed && workspacePath(d.uri) === path);
    if (open) {
      return this.follows({ path, languageId: open.languageId }) ? open.getText().replace(/\r\n/g, '\n') : undefined;
    }
    if (this.cache.has(path)) return this.cache.get(path);
    const text = this.follows({ path, languageId: languageOf(path) }) ? readSmallFile(path) : undefined;
    this.cache.set(path, text);
    return text;
  }

  dispose(): void {
    this.watchers.forEach((w) => w.dispose());
  }
}

export function languageOf(path: string): string {
  return LANGUAGE_OF[path.slice(path.lastIndexOf('.') + 1)] ?? 'plaintext';
}

function readSmallFile(path: string): string | undefined {
  const uri = workspaceUri(path);
  if (!uri || uri.scheme !== 'file') return undefined;
  try {
    if (fs.statSync(uri.fsPath).size > MAX_FILE_BYTES) return undefined;
    return fs.readFileSync(uri.fsPath, 'utf8').replace(/\r\n/g, '\n');
  } catch {
    return undefined;
  }
}
