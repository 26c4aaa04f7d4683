import * as vscode from 'vscode';

export interface PickOptions {
  readonly title: string;
  readonly placeHolder: string;
}

/**
 * The choice at `index` when a command's caller names one (tests, a link), else the one the
 * user picks from a quick pick, searchable by its reason; undefined when none is picked.
 */
export async function pickOne<T>(
  choices: readonly T[],
  index: number | undefined,
  describe: (choice: T) => { label: string; description: string; detail: string },
  options: PickOptions,
): Promise<T | undefined> {
  if (index !== undefined) return choices[index];
  const items = choices.map((choice) => ({ ...describe(choice), choice }));
  return (await vscode.window.showQuickPick(items, { ...options, matchOnDetail: true }))?.choice;
}
