import * as vscode from 'vscode';
import type { OndiApi } from '../../src/extension';

export const EXTENSION_ID = 'ondi.ondi';

export async function activateOndi(): Promise<{ extension: vscode.Extension<OndiApi>; api: OndiApi }> {
  const extension = vscode.extensions.getExtension<OndiApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  }
  const api = await extension.activate();
  return { extension, api };
}

/** Polls until `check` returns true; configuration events arrive asynchronously. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets a user setting for the duration of `body`, then removes it again. */
export async function withUserSetting(key: string, value: unknown, body: () => Promise<void>): Promise<void> {
  const config = vscode.workspace.getConfiguration('ondi');
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    await body();
  } finally {
    await vscode.workspace.getConfiguration('ondi').update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}
