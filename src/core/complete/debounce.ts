/**
 * Waits `ms` milliseconds unless `signal` aborts first. Resolves true when the wait ran out
 * (go on and ask the model) and false when the request was cancelled meanwhile (the user kept
 * typing), so the provider never spends model time on a stale keystroke.
 */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) {
    return Promise.resolve(false);
  }
  if (ms <= 0) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
