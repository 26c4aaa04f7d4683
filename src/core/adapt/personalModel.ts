import type { DecodingStep, LogitsProcessor } from '../model/logitsProcessor';
import type { AdapterContents } from './adapterFile';
import { KnnStore } from './knnStore';
import type { LowRankAdapter } from './lowRankAdapter';
import { NgramCache } from './ngramCache';

/**
 * What the user's code taught Ondi, applied at every decoding step: the low-rank adapter
 * shifts the model's logits, then the cache of the user's code and the nearest neighbours of
 * the current state among the learned positions are each blended into the distribution.
 */
export interface PersonalModel {
  readonly adapter?: LowRankAdapter | undefined;
  readonly cache?: NgramCache | undefined;
  readonly knn?: KnnStore | undefined;
}

/** Adds the adapter's update to the logits, in place. */
export class AdapterProcessor implements LogitsProcessor {
  constructor(readonly adapter: LowRankAdapter) {}

  process(scores: Float32Array, step: DecodingStep): Float32Array {
    this.adapter.addTo(scores, step.hidden, step.hiddenOffset);
    return scores;
  }
}

/** Blends in what followed the context's tail in the user's code, weighted by how much it matched. */
export class CacheProcessor implements LogitsProcessor {
  constructor(readonly cache: NgramCache) {}

  process(scores: Float32Array, step: DecodingStep): Float32Array {
    const cached = this.cache.predict(step.context);
    return cached ? mix(scores, cached.next, cacheWeight(cached.order, cached.matches)) : scores;
  }
}

/** Blends in the nearest learned positions' vote, by the store's weight. */
export class KnnProcessor implements LogitsProcessor {
  constructor(readonly store: KnnStore) {}

  process(scores: Float32Array, step: DecodingStep): Float32Array {
    const near = this.store.predict(step.context, step.hidden, step.hiddenOffset);
    return near ? mix(scores, near.next, this.store.options.weight) : scores;
  }
}

/**
 * The personal model as logits processors, in the order they blend: the adapter on the raw
 * logits, then the cache, then the neighbours. Each returns log-probabilities once it blends.
 */
export function personalProcessors(model: PersonalModel): LogitsProcessor[] {
  const processors: LogitsProcessor[] = [];
  if (model.adapter) processors.push(new AdapterProcessor(model.adapter));
  if (model.cache) processors.push(new CacheProcessor(model.cache));
  if (model.knn) processors.push(new KnnProcessor(model.knn));
  return processors;
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
  return {
    adapter: meta['adapterApplied'] === false ? undefined : adapter,
    cache: new NgramCache(tokens),
    knn: knn && new KnnStore(adapter.shape.hidden, knn, tokens),
  };
}

/**
 * Longer and more often seen contexts are trusted more; matches of one or two tokens are too
 * common to mean anything. Chosen on the users' own code only (the newest fifth of each
 * training folder held out), never on the evaluation's test files.
 */
export function cacheWeight(order: number, matches: number): number {
  return order < 3 ? 0 : Math.min(0.8, 0.1 * order) * (matches / (matches + 2));
}
