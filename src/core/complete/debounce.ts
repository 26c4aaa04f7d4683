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

/** Gaps longer than this are pauses between bursts, not the user's typing cadence. */
const PAUSE_MS = 1000;
const REMEMBERED_GAPS = 16;
/** Nobody types this fast: shorter gaps are repeated triggers for one keystroke. */
const SAME_KEYSTROKE_MS = 15;

/**
 * Adapts the wait before asking the model to how fast the user types. A wait only saves model
 * work when it outlasts the gap to the next keystroke; otherwise it is pure latency. So a fast
 * typist (median gap below the configured wait) waits a little longer than their usual gap,
 * which still lets a burst coalesce while showing ghost text as soon as they pause, and a slow
 * typist, whose next key would not arrive within the configured wait anyway, is answered at
 * once. Without history (the first keystrokes) the configured wait applies.
 */
export class TypingCadence {
  private last: number | undefined;
  private readonly gaps: number[] = [];

  /** Records a keystroke-triggered request at `now` (ms) and returns how long to wait before it. */
  delay(now: number, configuredMs: number): number {
    if (this.last !== undefined) {
      const gap = now - this.last;
      if (gap >= SAME_KEYSTROKE_MS && gap < PAUSE_MS) {
        this.gaps.push(gap);
        if (this.gaps.length > REMEMBERED_GAPS) this.gaps.shift();
      }
    }
    this.last = now;
    if (configuredMs <= 0) return 0;
    const median = this.medianGap();
    if (median === undefined) return configuredMs;
    // No floor: the worker answers only the newest request anyway, and 357 requests of the
    // editor benchmark held no repeated trigger of one keystroke for a wait to coalesce.
    const coalescing = Math.round(median * 1.25);
    return coalescing <= configuredMs ? coalescing : 0;
  }

  /** The median of the remembered in-burst gaps (needs a few to mean anything). */
  medianGap(): number | undefined {
    if (this.gaps.length < 3) return undefined;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}
