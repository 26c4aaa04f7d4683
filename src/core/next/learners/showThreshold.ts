/**
 * The confidence a suggestion needs before Ondi shows it, learned from what the user does
 * with suggestions. A shown suggestion that is taken lowers the bar a little; one that is
 * ignored raises it. The steps are sized so the bar settles where `targetTakeRate` of the
 * shown suggestions get taken (a stochastic quantile tracker). A hidden suggestion that the
 * user then performs anyway also lowers it, so a bar set too high can come down again.
 */
export interface ShowThresholdOptions {
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly targetTakeRate: number;
}

export const DEFAULT_THRESHOLD_OPTIONS: ShowThresholdOptions = Object.freeze({
  initial: 0.3,
  min: 0.1,
  max: 0.9,
  step: 0.02,
  targetTakeRate: 0.5,
});

export type SuggestionOutcome = 'taken' | 'ignored' | 'hiddenButDone';

export class ShowThreshold {
  private current: number;

  constructor(readonly options: ShowThresholdOptions = DEFAULT_THRESHOLD_OPTIONS) {
    this.current = options.initial;
  }

  get value(): number {
    return this.current;
  }

  shouldShow(confidence: number): boolean {
    return confidence >= this.current;
  }

  record(outcome: SuggestionOutcome): void {
    const { step, targetTakeRate, min, max } = this.options;
    const raise = step * (targetTakeRate / (1 - targetTakeRate));
    const next = outcome === 'ignored' ? this.current + raise : this.current - step;
    this.current = Math.min(max, Math.max(min, next));
  }

  restore(value: number): void {
    if (Number.isFinite(value)) this.current = Math.min(this.options.max, Math.max(this.options.min, value));
  }
}
