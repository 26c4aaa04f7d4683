import type * as vscode from 'vscode';

/**
 * Turns a CancellationToken into an AbortSignal, once, at the adapter boundary; core code only
 * knows AbortSignal. Dispose when the request is over so the listener does not leak.
 */
export function toAbortSignal(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
