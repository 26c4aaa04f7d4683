/**
 * Time left of a training, from its progress so far. Only the time it ran counts: a run held
 * while the user types is not slower for it. The rate is taken over the latest stretch of
 * running time, so a run that goes from the CPU share to full speed (the editor went idle)
 * soon shows the faster estimate.
 */

/** Running time the rate is measured over. */
const RATE_WINDOW_MS = 15_000;
/** No estimate before this much running time and share of the work: the first windows vary most. */
const MIN_RUNNING_MS = 1_500;
const MIN_FRACTION = 0.02;

interface Sample {
  readonly runningMs: number;
  readonly fraction: number;
}

export class LearningEstimate {
  private runningMs = 0;
  private since: number | undefined;
  private samples: Sample[] = [];

  constructor(private readonly now: () => number = () => Date.now()) {
    this.since = now();
  }

  /** The run was held (typing, pause) or goes on again. */
  held(held: boolean): void {
    if (held && this.since !== undefined) {
      this.runningMs += this.now() - this.since;
      this.since = undefined;
    } else if (!held && this.since === undefined) {
      this.since = this.now();
    }
  }

  /** Work done so far, 0..1. */
  progress(fraction: number): void {
    const sample = { runningMs: this.running(), fraction: Math.min(1, Math.max(0, fraction)) };
    this.samples.push(sample);
    // keep one sample older than the window, so the rate always spans it
    while (this.samples.length > 2 && sample.runningMs - (this.samples[1]?.runningMs ?? 0) > RATE_WINDOW_MS)
      this.samples.shift();
  }

  /** Seconds of running left, or undefined while too little is known. */
  secondsLeft(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last === first) return undefined;
    if (last.runningMs < MIN_RUNNING_MS || last.fraction < MIN_FRACTION) return undefined;
    const rate = (last.fraction - first.fraction) / (last.runningMs - first.runningMs);
    if (!(rate > 0)) return undefined;
    const sinceLast = Math.max(0, this.running() - last.runningMs);
    return Math.max(0, (1 - last.fraction) / rate - sinceLast) / 1000;
  }

  private running(): number {
    return this.runningMs + (this.since === undefined ? 0 : this.now() - this.since);
  }
}

/** "about 40 s left", "about 2 min left", "less than 5 s left". */
export function describeTimeLeft(seconds: number): string {
  if (seconds < 5) return 'less than 5 s left';
  return `about ${shortDuration(seconds)} left`;
}

/** "40 s", "2 min": a rounded duration for the status bar. */
export function shortDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  return `${Math.round(seconds / 60)} min`;
}
