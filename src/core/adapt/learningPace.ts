/**
 * How fast a running training may go, from how long the user has been quiet: held while they
 * type, their CPU share (`ondi.learning.cpuShare`) once they stop for a moment, and all of it
 * once the editor has been idle for `ondi.learning.idleSeconds`. A training started by the idle
 * timer therefore runs at full speed, and a keystroke holds it at the next checkpoint.
 */

/** Quiet time after a keystroke before a held training goes on (at the CPU share). */
export const RESUME_AFTER_QUIET_MS = 2_000;

export type LearningPace = { readonly kind: 'hold' } | { readonly kind: 'run'; readonly cpuShare: number };

export function learningPace(quietForMs: number, idleMs: number, cpuShare: number): LearningPace {
  if (quietForMs < RESUME_AFTER_QUIET_MS) return { kind: 'hold' };
  if (quietForMs < idleMs) return { kind: 'run', cpuShare };
  return { kind: 'run', cpuShare: 1 };
}
