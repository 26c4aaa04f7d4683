import type { AdapterContents } from './adapterFile';
import type { LowRankAdapter } from './lowRankAdapter';
import { NgramCache } from './ngramCache';

/**
 * What the user's code taught Ondi, applied at every decoding step: the low-rank adapter
 * shifts the model's logits, and the cache of the user's code is blended into the resulting
 * distribution (more weight for longer, more frequent matches).
 */
export interface CacheBlend {
  /** Weight of a match of `order` tokens seen `matches` times, before the model's own confidence. */
  readonly weight: (order: number, matches: number) => number;
  /** Whether a confident model keeps more of its own prediction. */
  readonly gateByConfidence: boolean;
}

export const DEFAULT_BLEND: CacheBlend = { weight: cacheWeight, gateByConfidence: false };

export class PersonalModel {
  constructor(
    readonly adapter: LowRankAdapter | undefined,
    readonly cache: NgramCache | undefined,
    private readonly blend: CacheBlend = DEFAULT_BLEND,
  ) {}

  /** Returns log-probabilities to decode from (logits are modified in place). */
  adjust(logits: Float32Array, hidden: Float32Array, hiddenOffset: number, context: readonly number[]): Float32Array {
    this.adapter?.addTo(logits, hidden, hiddenOffset);
    const prediction = this.cache?.predict(context);
    if (!prediction) return logits;
    let max = -Infinity;
    for (const z of logits) if (z > max) max = z;
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] ?? 0) - max);
    const logNorm = max + Math.log(sum);
    let w = this.blend.weight(prediction.order, prediction.matches);
    if (this.blend.gateByConfidence) w *= 1 - Math.exp(max - logNorm);
    const out = new Float32Array(logits.length);
    for (let i = 0; i < logits.length; i++) out[i] = Math.log(1 - w) + (logits[i] ?? 0) - logNorm;
    for (const [t, q] of prediction.next) {
      out[t] = Math.log(Math.exp(out[t] ?? -Infinity) + w * q);
    }
    return out;
  }
}

/** The personal model a stored file describes: the adapter only where it proved itself on unseen code. */
export function personalModelOf(contents: AdapterContents): PersonalModel {
  return new PersonalModel(contents.meta['adapterApplied'] === false ? undefined : contents.adapter, new NgramCache(contents.tokens));
}

/**
 * Longer and more often seen contexts are trusted more; matches of one or two tokens are too
 * common to mean anything. Chosen on the users' own code only (the newest fifth of each
 * training folder held out), never on the evaluation's test files.
 */
export function cacheWeight(order: number, matches: number): number {
  return order < 3 ? 0 : Math.min(0.8, 0.1 * order) * (matches / (matches + 2));
}
