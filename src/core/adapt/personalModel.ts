import type { AdapterContents } from './adapterFile';
import type { LowRankAdapter } from './lowRankAdapter';
import { KnnStore } from './knnStore';
import { NgramCache } from './ngramCache';

/**
 * What the user's code taught Ondi, applied at every decoding step: the low-rank adapter
 * shifts the model's logits, then the cache of the user's code and the nearest neighbours of
 * the current state among the learned positions are each blended into the distribution.
 */
export class PersonalModel {
  constructor(
    readonly adapter: LowRankAdapter | undefined,
    readonly cache: NgramCache | undefined,
    readonly knn?: KnnStore,
  ) {}

  /** Returns log-probabilities to decode from (logits are modified in place). */
  adjust(logits: Float32Array, hidden: Float32Array, hiddenOffset: number, context: readonly number[]): Float32Array {
    this.adapter?.addTo(logits, hidden, hiddenOffset);
    let scores = logits;
    const cached = this.cache?.predict(context);
    if (cached) scores = mix(scores, cached.next, cacheWeight(cached.order, cached.matches));
    const near = this.knn?.predict(context, hidden, hiddenOffset);
    if (near) scores = mix(scores, near.next, this.knn?.options.weight ?? 0);
    return scores;
  }
}

/** log((1 - w)·softmax(scores) + w·q), q a sparse distribution. */
function mix(scores: Float32Array, q: ReadonlyMap<number, number>, w: number): Float32Array {
  if (w <= 0) return scores;
  let max = -Infinity;
  for (const z of scores) if (z > max) max = z;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp((scores[i] ?? 0) - max);
  const shift = Math.log(1 - w) - (max + Math.log(sum));
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i] ?? 0) + shift;
  for (const [t, p] of q) out[t] = Math.log(Math.exp(out[t] ?? -Infinity) + w * p);
  return out;
}

/** The personal model a stored file describes: the adapter only where it proved itself on unseen code. */
export function personalModelOf(contents: AdapterContents): PersonalModel {
  const { adapter, tokens, knn, meta } = contents;
  return new PersonalModel(
    meta['adapterApplied'] === false ? undefined : adapter,
    new NgramCache(tokens),
    knn && new KnnStore(adapter.shape.hidden, knn, tokens),
  );
}

/**
 * Longer and more often seen contexts are trusted more; matches of one or two tokens are too
 * common to mean anything. Chosen on the users' own code only (the newest fifth of each
 * training folder held out), never on the evaluation's test files.
 */
export function cacheWeight(order: number, matches: number): number {
  return order < 3 ? 0 : Math.min(0.8, 0.1 * order) * (matches / (matches + 2));
}
