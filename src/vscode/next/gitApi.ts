import * as vscode from 'vscode';

/**
 * The few parts of the built-in git extension's API (`vscode.git`, version 1) that Ondi uses,
 * typed here because that extension ships no npm types. Everything is optional at run time:
 * the extension may be missing or disabled.
 */
export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: { readonly name?: string; readonly commit?: string } | undefined;
    readonly onDidChange: vscode.Event<void>;
  };
  checkIgnore(paths: string[]): Promise<Set<string>>;
}

export interface GitApi {
  readonly repositories: readonly GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
}

interface GitExtensionExports {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The git API if the built-in extension is present and enabled (activating it if needed). */
export async function getGitApi(): Promise<GitApi | undefined> {
  const extension = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  if (!extension) return undefined;
  const exports = extension.isActive ? extension.exports : await extension.activate();
  return exports.enabled ? exports.getAPI(1) : undefined;
}
