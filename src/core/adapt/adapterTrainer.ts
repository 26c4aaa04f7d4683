import type { LowRankAdapter } from './lowRankAdapter';

/**
 * One training position: the base model's final hidden state, its K most likely next tokens
 * with their logits, the log-sum-exp over the whole vocabulary, and the token that came next.
 * The loss is the softmax over those candidates plus one "everything else" bucket whose mass
 * the base model fixes; the target is always among the candidates.
 */
export interface TrainingPosition {
  readonly hidden: Float32Array;
  readonly hiddenOffset: number;
  readonly candidates: Int32Array;
  readonly candidateLogits: Float32Array;
  readonly logSumExp: number;
  readonly target: number;
  readonly targetLogit: number;
  /** Recent edits count more. */
  readonly weight: number;
}

export interface AdamState {
  step: number;
  readonly ma: Float32Array;
  readonly va: Float32Array;
  readonly mb: Float32Array;
  readonly vb: Float32Array;
  /** Scratch: B's gradient by token and which tokens a batch touched. */
  readonly gradB: Float32Array;
  readonly touched: Uint8Array;
}

export function newAdamState(adapter: LowRankAdapter): AdamState {
  return {
    step: 0,
    ma: new Float32Array(adapter.a.length),
    va: new Float32Array(adapter.a.length),
    mb: new Float32Array(adapter.b.length),
    vb: new Float32Array(adapter.b.length),
    gradB: new Float32Array(adapter.b.length),
    touched: new Uint8Array(adapter.shape.vocab),
  };
}

/** One Adam step on a batch; returns the batch's mean loss before the step. */
export function trainBatch(
  adapter: LowRankAdapter,
  adam: AdamState,
  batch: readonly TrainingPosition[],
  lr: number,
): number {
  const { hidden, rank, vocab } = adapter.shape;
  const a = adapter.a;
  const b = adapter.b;
  const ga = new Float32Array(a.length);
  // B's gradient, column-major by token so touched columns are contiguous: [vocab][rank]
  const gb = adam.gradB;
  const touched: number[] = [];
  const u = new Float32Array(rank);
  const gu = new Float32Array(rank);
  const ids = new Int32Array(129);
  const z = new Float64Array(129);
  let loss = 0;
  let totalWeight = 0;
  for (const p of batch) {
    const h = p.hidden;
    const ho = p.hiddenOffset;
    const { n, ti, logZ } = scoreCandidates(adapter, p, u, ids, z);
    loss += p.weight * (logZ - (z[ti] as number));
    totalWeight += p.weight;
    gu.fill(0);
    for (let c = 0; c < n; c++) {
      const g = p.weight * (Math.exp((z[c] as number) - logZ) - (c === ti ? 1 : 0)) * adapter.scale;
      if (Math.abs(g) < 1e-7) continue;
      const t = ids[c] as number;
      const col = t * rank;
      if (adam.touched[t] === 0) {
        adam.touched[t] = 1;
        touched.push(t);
      }
      for (let j = 0; j < rank; j++) {
        gb[col + j] = (gb[col + j] as number) + g * (u[j] as number);
        gu[j] = (gu[j] as number) + g * (b[j * vocab + t] as number);
      }
    }
    for (let i = 0; i < hidden; i++) {
      const hi = h[ho + i] as number;
      const row = i * rank;
      for (let j = 0; j < rank; j++) ga[row + j] = (ga[row + j] as number) + hi * (gu[j] as number);
    }
  }
  const inv = 1 / Math.max(totalWeight, 1e-9);
  adam.step++;
  const c1 = 1 - B1 ** adam.step;
  const c2 = 1 - B2 ** adam.step;
  const update = (w: Float32Array, m: Float32Array, v: Float32Array, i: number, g: number): void => {
    const mi = B1 * (m[i] as number) + (1 - B1) * g;
    const vi = B2 * (v[i] as number) + (1 - B2) * g * g;
    m[i] = mi;
    v[i] = vi;
    w[i] = (w[i] as number) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
  };
  for (let i = 0; i < ga.length; i++) update(a, adam.ma, adam.va, i, (ga[i] as number) * inv);
  // only the columns this batch touched (lazy Adam: sparse and fast)
  for (const t of touched) {
    for (let j = 0; j < rank; j++) {
      update(b, adam.mb, adam.vb, j * vocab + t, (gb[t * rank + j] as number) * inv);
      gb[t * rank + j] = 0;
    }
    adam.touched[t] = 0;
  }
  return loss * inv;
}

/**
 * The adapted log-softmax of one position over its candidates and the "everything else"
 * bucket: fills u = h·A, the candidate ids and their adapted log-scores (target included).
 */
function scoreCandidates(
  adapter: LowRankAdapter,
  p: TrainingPosition,
  u: Float32Array,
  ids: Int32Array,
  z: Float64Array,
): { n: number; ti: number; logZ: number } {
  const { hidden, rank, vocab } = adapter.shape;
  const a = adapter.a;
  const b = adapter.b;
  u.fill(0);
  for (let i = 0; i < hidden; i++) {
    const hi = p.hidden[p.hiddenOffset + i] as number;
    const row = i * rank;
    for (let j = 0; j < rank; j++) u[j] = (u[j] as number) + hi * (a[row + j] as number);
  }
  const k = Math.min(p.candidates.length, 128);
  let n = 0;
  let ti = -1;
  let candMass = 0;
  for (let c = 0; c < k; c++) {
    const t = p.candidates[c] as number;
    const base = (p.candidateLogits[c] as number) - p.logSumExp;
    candMass += Math.exp(base);
    if (t === p.target) ti = n;
    ids[n] = t;
    z[n++] = base;
  }
  if (ti < 0) {
    ti = n;
    ids[n] = p.target;
    z[n++] = p.targetLogit - p.logSumExp;
    candMass += Math.exp(z[ti] as number);
  }
  const logRest = Math.log(Math.max(1e-9, 1 - candMass));
  let max = logRest;
  for (let c = 0; c < n; c++) {
    const t = ids[c] as number;
    let d = 0;
    for (let j = 0; j < rank; j++) d += (u[j] as number) * (b[j * vocab + t] as number);
    const zc = (z[c] as number) + d * adapter.scale;
    z[c] = zc;
    if (zc > max) max = zc;
  }
  let sum = Math.exp(logRest - max);
  for (let c = 0; c < n; c++) sum += Math.exp((z[c] as number) - max);
  return { n, ti, logZ: max + Math.log(sum) };
}

/** Mean next-token loss (nats) of the base model and of the adapted one on positions never trained on. */
export function validationLoss(
  adapter: LowRankAdapter,
  positions: readonly TrainingPosition[],
): { base: number; adapted: number } {
  const u = new Float32Array(adapter.shape.rank);
  const ids = new Int32Array(129);
  const z = new Float64Array(129);
  let base = 0;
  let adapted = 0;
  for (const p of positions) {
    base += p.logSumExp - p.targetLogit;
    const { ti, logZ } = scoreCandidates(adapter, p, u, ids, z);
    adapted += logZ - (z[ti] as number);
  }
  const n = Math.max(1, positions.length);
  return { base: base / n, adapted: adapted / n };
}

const B1 = 0.9;
const B2 = 0.999;
