/**
 * Maps a raw score to the rate at which such scores were actually right for this user:
 * scores are bucketed, each bucket counts hits and tries (fading with `decay`), and a bucket
 * with little evidence leans on the raw score itself. Without any evidence it returns the
 * raw score unchanged.
 */
export interface CalibrationState {
  readonly hits: readonly number[];
  readonly tries: readonly number[];
}

const BUCKETS = 10;
/** How many observations a bucket needs before its own rate outweighs the raw score. */
const PRIOR_STRENGTH = 5;

export class Calibrator {
  private hits = new Array<number>(BUCKETS).fill(0);
  private tries = new Array<number>(BUCKETS).fill(0);

  constructor(private readonly decay = 0.995) {}

  calibrate(raw: number): number {
    const b = bucket(raw);
    return ((this.hits[b] ?? 0) + PRIOR_STRENGTH * clamp01(raw)) / ((this.tries[b] ?? 0) + PRIOR_STRENGTH);
  }

  /** Records whether a prediction made with score `raw` turned out right. */
  record(raw: number, hit: boolean): void {
    for (let i = 0; i < BUCKETS; i++) {
      this.hits[i] = (this.hits[i] ?? 0) * this.decay;
      this.tries[i] = (this.tries[i] ?? 0) * this.decay;
    }
    const b = bucket(raw);
    this.tries[b] = (this.tries[b] ?? 0) + 1;
    if (hit) this.hits[b] = (this.hits[b] ?? 0) + 1;
  }

  state(): CalibrationState {
    return { hits: [...this.hits], tries: [...this.tries] };
  }

  restore(state: CalibrationState): void {
    if (state.hits.length !== BUCKETS || state.tries.length !== BUCKETS) return;
    this.hits = [...state.hits];
    this.tries = [...state.tries];
  }
}

function bucket(raw: number): number {
  return Math.min(BUCKETS - 1, Math.floor(clamp01(raw) * BUCKETS));
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
}
