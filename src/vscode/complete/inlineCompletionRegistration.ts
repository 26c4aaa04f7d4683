import * as vscode from 'vscode';

/**
 * Keeps the inline completion provider registered for exactly the languages in
 * `ondi.languages`, re-registering when that list changes.
 */
export class InlineCompletionRegistration implements vscode.Disposable {
  private registration: vscode.Disposable | undefined;
  private registered: readonly string[] = [];

  constructor(private readonly provider: vscode.InlineCompletionItemProvider) {}

  /** The languages the provider is registered for right now. */
  get languages(): readonly string[] {
    return this.registered;
  }

  update(languages: readonly string[]): void {
    if (sameList(languages, this.registered)) {
      return;
    }
    this.registration?.dispose();
    this.registration = undefined;
    this.registered = [...languages];
    if (languages.length > 0) {
      const selector = languages.map((language) => ({ language }));
      this.registration = vscode.languages.registerInlineCompletionItemProvider(selector, this.provider);
    }
  }

  dispose(): void {
    this.registration?.dispose();
    this.registration = undefined;
    this.registered = [];
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
