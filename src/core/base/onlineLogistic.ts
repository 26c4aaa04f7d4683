/**
 * A logistic regression trained one example at a time by stochastic gradient descent. It turns
 * evidence features into a probability, and because it is fitted to what actually happened
 * next in this workspace, its outputs are calibrated for this user rather than hand-tuned.
 */
export interface LogisticState {
  readonly weights: readonly number[];
  readonly bias: number;
  readonly seen: number;
}

export class OnlineLogistic {
  private weights: number[];
  private bias: number;
  private seen = 0;

  constructor(
    initialWeights: readonly number[],
    initialBias: number,
    private readonly learningRate = 0.05,
    private readonly l2 = 1e-4,
  ) {
    this.weights = [...initialWeights];
    this.bias = initialBias;
  }

  get examples(): number {
    return this.seen;
  }

  /** The model's raw score (log-odds). */
  logit(features: readonly number[]): number {
    let z = this.bias;
    for (let i = 0; i < this.weights.length; i++) z += (this.weights[i] ?? 0) * (features[i] ?? 0);
    return z;
  }

  probability(features: readonly number[]): number {
    return sigmoid(this.logit(features));
  }

  /** One gradient step towards `label` (1 happened, 0 did not), scaled by `weight`. */
  learn(features: readonly number[], label: 0 | 1, weight = 1): void {
    const error = (this.probability(features) - label) * weight;
    // A learning rate that shrinks slowly keeps early steps large and later ones stable.
    const rate = this.learningRate / Math.sqrt(1 + this.seen / 5000);
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i] ?? 0;
      this.weights[i] = w - rate * (error * (features[i] ?? 0) + this.l2 * w);
    }
    this.bias -= rate * error;
    this.seen++;
  }

  state(): LogisticState {
    return { weights: [...this.weights], bias: this.bias, seen: this.seen };
  }

  restore(state: LogisticState): void {
    if (state.weights.length !== this.weights.length) return; // a different feature set: start over
    this.weights = [...state.weights];
    this.bias = state.bias;
    this.seen = state.seen;
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
