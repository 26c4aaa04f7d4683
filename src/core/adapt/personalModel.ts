import { BoundedScan, LogSumExp } from '../base/vectorKernels';
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

/**
 * Adds the adapter's update to the logits, in place, where it can change what decoding picks.
 * Token t's update is scale·(h·A)·B[:, t], at most r·|B[:, t]| with r = scale·|h·A|
 * (Cauchy-Schwarz): a token whose score plus that bound stays below the adapted score of the
 * best raw token cannot come first, and keeps its raw score. Only the others (and likewise
 * those near the best of the tokens decoding may choose, under token healing) get their
 * update: a few dozen dot products of rank r rather than r times the vocabulary, and the same
 * greedy choice. The blends after it see the far tokens' raw scores, which differ from the
 * adapted ones by less than their bound.
 */
export class AdapterProcessor implements LogitsProcessor {
  /** |B[:, t]| per token. */
  private readonly columnNorm: Float32Array;
  /** The same bounds in WebAssembly memory, where the kernels run. */
  private readonly scan: BoundedScan | undefined;
  /** Steps seen, and those where the update went to the whole vocabulary (for benchmarks). */
  readonly counts = { steps: 0, whole: 0 };

  constructor(
    readonly adapter: LowRankAdapter,
    /** false: plain JavaScript loops even where the kernels run (tests compare the two). */
    kernels = true,
  ) {
    const { rank, vocab } = adapter.shape;
    const squares = new Float64Array(vocab);
    for (let j = 0; j < rank; j++) {
      for (let t = 0; t < vocab; t++) squares[t] = (squares[t] as number) + (adapter.b[j * vocab + t] ?? 0) ** 2;
    }
    this.columnNorm = Float32Array.from(squares, Math.sqrt);
    this.scan = kernels ? BoundedScan.create(this.columnNorm, Math.floor(vocab / 8), adapter.b) : undefined;
  }

  process(scores: Float32Array, step: DecodingStep): Float32Array {
    normalizers.delete(scores);
    const { adapter, columnNorm } = this;
    const u = adapter.project(step.hidden, step.hiddenOffset);
    let norm = 0;
    for (let j = 0; j < u.length; j++) norm += (u[j] ?? 0) ** 2;
    const r = Math.abs(adapter.scale) * Math.sqrt(norm);
    this.counts.steps++;
    const adapted = (t: number): number => (scores[t] ?? 0) + adapter.deltaAt(u, t);
    const kernel = this.scan?.length === scores.length ? this.scan : undefined;
    const near = nearTop(scores, columnNorm, r, adapted, step.allowed, kernel);
    // past an eighth of the vocabulary the whole update, row by row, is the cheaper walk
    if (near === undefined) {
      this.counts.whole++;
      // nearTop loaded these scores into the kernel
      if (kernel)
        kernel.addRows(
          u.map((x) => x * adapter.scale),
          scores,
        );
      else adapter.addTo(scores, step.hidden, step.hiddenOffset);
      return scores;
    }
    const deltas = near.map((t) => adapter.deltaAt(u, t));
    near.forEach((t, i) => (scores[t] = (scores[t] ?? 0) + (deltas[i] ?? 0)));
    return scores;
  }
}

/**
 * The tokens that may come first once adapted: raw score plus r·bound[t] at least the adapted
 * score of the raw best, and the same among `allowed` against the raw best of those.
 * Undefined when that is more than an eighth of the vocabulary.
 */
function nearTop(
  scores: Float32Array,
  bound: Float32Array,
  r: number,
  adapted: (t: number) => number,
  allowed: Int32Array | undefined,
  /** The bounds in the kernels' memory, for rows of this length; undefined: plain loops. */
  kernel: BoundedScan | undefined,
): number[] | undefined {
  const limit = scores.length / 8;
  let best = kernel ? kernel.load(scores) : -1;
  if (best < 0) {
    best = 0;
    for (let t = 1; t < scores.length; t++) if ((scores[t] as number) > (scores[best] as number)) best = t;
  }
  const floor = adapted(best);
  // the kernel adds in single precision: a floor a hair lower keeps every token the exact test keeps
  const cut = kernel ? floor - 1e-4 * (1 + Math.abs(floor)) : floor;
  let near: number[] = [];
  if (kernel) {
    const hits = kernel.reaching(r, cut);
    if (!hits) return undefined;
    near = Array.from(hits);
  } else {
    for (let t = 0; t < scores.length; t++) {
      if ((scores[t] as number) + r * (bound[t] as number) >= cut && near.push(t) > limit) return undefined;
    }
  }
  if (allowed && allowed.length > 0) {
    let bestAllowed = allowed[0] as number;
    for (const t of allowed) if ((scores[t] ?? -Infinity) > (scores[bestAllowed] ?? -Infinity)) bestAllowed = t;
    const floorAllowed = adapted(bestAllowed);
    for (const t of allowed) {
      const reach = (scores[t] ?? -Infinity) + r * (bound[t] ?? 0);
      // those that reach the first cut are in already
      if (reach >= floorAllowed && reach < cut && near.push(t) > limit) return undefined;
    }
  }
  return near;
}

/** Blends in what followed the context's tail in the user's code, weighted by how much it matched. */
export class CacheProcessor implements LogitsProcessor {
  /** The code near the cursor, sorted once per spot (the decoder passes the same array). */
  private nearby: { tokens: readonly number[]; cache: NgramCache } | undefined;

  constructor(readonly cache: NgramCache) {}

  process(scores: Float32Array, step: DecodingStep): Float32Array {
    const cached = this.cache.predict(step.context, this.nearbyCache(step.nearby), NEAR_WEIGHT);
    return cached ? mix(scores, cached.next, cacheWeight(cached.order, cached.matches)) : scores;
  }

  private nearbyCache(tokens: readonly number[] | undefined): NgramCache | undefined {
    if (!tokens || tokens.length === 0) return undefined;
    if (this.nearby?.tokens !== tokens) this.nearby = { tokens, cache: new NgramCache(Uint16Array.from(tokens)) };
    return this.nearby.cache;
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
 * logits, then the cache, then the neighbours. Once one blends, the scores are log-probabilities
 * up to a constant (softmax gives the blended distribution).
 */
export function personalProcessors(model: PersonalModel): LogitsProcessor[] {
  const processors: LogitsProcessor[] = [];
  if (model.adapter) processors.push(new AdapterProcessor(model.adapter));
  if (model.cache) processors.push(new CacheProcessor(model.cache));
  if (model.knn) processors.push(new KnnProcessor(model.knn));
  return processors;
}

/**
 * log((1 - w)·softmax(scores) + w·q) + z, q a sparse distribution, in place: the tokens q
 * leaves out keep their score and the constant z (the result's log-normalizer) moves instead,
 * so a blend costs one pass over the vocabulary for the normalizer, and none when the scores
 * come from an earlier blend, which noted theirs.
 */
function mix(scores: Float32Array, q: ReadonlyMap<number, number>, w: number): Float32Array {
  if (w <= 0) return scores;
  const lse = normalizers.get(scores) ?? logSumExp(scores);
  const z = lse - Math.log(1 - w);
  for (const [t, p] of q) scores[t] = Math.log((1 - w) * Math.exp((scores[t] ?? -Infinity) - lse) + w * p) + z;
  normalizers.set(scores, z);
  return scores;
}

/** For scores a blend returned: log Σ exp(scores), which it knows without a pass. */
const normalizers = new WeakMap<Float32Array, number>();

function logSumExp(scores: Float32Array): number {
  const kernel = kernelFor(scores.length);
  if (kernel) return kernel.of(scores);
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > max) max = scores[i] as number;
  if (max === -Infinity) return max;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp((scores[i] as number) - max);
  return max + Math.log(sum);
}

/** The SIMD kernel for rows of each length seen (a vocabulary's), or null where it does not run. */
const logSumExpKernels = new Map<number, LogSumExp | null>();

function kernelFor(length: number): LogSumExp | undefined {
  let kernel = logSumExpKernels.get(length);
  if (kernel === undefined) logSumExpKernels.set(length, (kernel = LogSumExp.create(length) ?? null));
  return kernel ?? undefined;
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
 * A match in the code near the cursor (the prompt, the file above it, the workspace windows
 * most like it) counts this many times a match elsewhere in the learned code: chosen on two
 * large projects held out of every other choice (3 and 5 gave the same, 1 and 8 less).
 */
const NEAR_WEIGHT = 3;

/**
 * Longer and more often seen contexts are trusted more; matches of one or two tokens are too
 * common to mean anything. Chosen on the users' own code only (the newest fifth of each
 * training folder held out), never on the evaluation's test files.
 */
export function cacheWeight(order: number, matches: number): number {
  return order < 3 ? 0 : Math.min(0.8, 0.1 * order) * (matches / (matches + 2));
}
