import type { Action } from './actions';

/**
 * Turns the editor's diagnostics into the two moments worth learning from: a file the user is
 * not in gets errors (something they did elsewhere broke it: "fix errors in F" is a likely next
 * step), and such errors are gone again (a milestone after which people run their tests).
 * Errors in the file being typed in come and go with every keystroke, so they are tracked but
 * not announced. Only whether a file has errors is kept, never the messages.
 */
export class ErrorTransitions {
  /** Files that have errors now; true where their arrival was announced. */
  private readonly withErrors = new Map<string, boolean>();

  constructor(private readonly maxFiles = 1000) {}

  /** The file's error count changed (or settled); `active` is whether the user is in it. */
  update(file: string, errorCount: number, active: boolean): Action | undefined {
    const known = this.withErrors.get(file);
    if (errorCount > 0) {
      if (known !== undefined) return undefined;
      if (this.withErrors.size >= this.maxFiles) return undefined; // a broken build: enough said
      this.withErrors.set(file, !active);
      return active ? undefined : { kind: 'errors', file };
    }
    if (known === undefined) return undefined;
    this.withErrors.delete(file);
    return known ? { kind: 'errorsFixed', file } : undefined;
  }

  forget(file: string): void {
    this.withErrors.delete(file);
  }
}
