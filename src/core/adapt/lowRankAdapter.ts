/**
 * The personal adapter: a rank-r update of the model's output projection, ΔW = A·B with
 * A [hidden, r] and B [r, vocab], so personal logits are base logits + scale·(h·A)·B. The
 * base model stays frozen; A and B are trained by Adam on next-token loss over the final
 * hidden states the engine already computes, which keeps training to cheap vector math.
 */
export interface AdapterShape {
  readonly hidden: number;
  readonly rank: number;
  readonly vocab: number;
  /** LoRA's alpha: the update is scaled by alpha / rank (default 1). */
  readonly alpha?: number;
}

export class LowRankAdapter {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly scale: number;

  constructor(
    readonly shape: AdapterShape,
    init?: { a: Float32Array; b: Float32Array },
    seed = 1,
  ) {
    const { hidden, rank, vocab } = shape;
    this.scale = (shape.alpha ?? 1) / rank;
    if (init) {
      if (init.a.length !== hidden * rank || init.b.length !== rank * vocab)
        throw new Error('adapter matrices have the wrong size');
      this.a = init.a;
      this.b = init.b;
    } else {
      // LoRA's start: A random, B zero, so the adapted model begins exactly as the base model
      this.a = new Float32Array(hidden * rank);
      const rand = gaussian(seed);
      const std = 1 / Math.sqrt(hidden);
      for (let i = 0; i < this.a.length; i++) this.a[i] = rand() * std;
      this.b = new Float32Array(rank * vocab);
    }
  }

  /** u = h·A (length r). */
  project(h: Float32Array, offset = 0): Float32Array {
    const { hidden, rank } = this.shape;
    const u = new Float32Array(rank);
    for (let i = 0; i < hidden; i++) {
      const hi = h[offset + i] ?? 0;
      if (hi === 0) continue;
      const row = i * rank;
      for (let j = 0; j < rank; j++) u[j] = (u[j] ?? 0) + hi * (this.a[row + j] ?? 0);
    }
    return u;
  }

  /** Adds scale·(h·A)·B to the logits in place. */
  addTo(logits: Float32Array, h: Float32Array, offset = 0): void {
    const { rank, vocab } = this.shape;
    const u = this.project(h, offset);
    for (let j = 0; j < rank; j++) {
      const uj = (u[j] ?? 0) * this.scale;
      if (uj === 0) continue;
      const row = j * vocab;
      for (let v = 0; v < vocab; v++) logits[v] = (logits[v] ?? 0) + uj * (this.b[row + v] ?? 0);
    }
  }

  /** The same update at `factor` times its strength (B scaled; A shared). */
  scaled(factor: number): LowRankAdapter {
    return new LowRankAdapter(this.shape, { a: this.a, b: this.b.map((x) => x * factor) });
  }

  /** scale·(u·B)[token] for one token. */
  deltaAt(u: Float32Array, token: number): number {
    const { rank, vocab } = this.shape;
    let d = 0;
    for (let j = 0; j < rank; j++) d += (u[j] ?? 0) * (this.b[j * vocab + token] ?? 0);
    return d * this.scale;
  }
}

/** Standard normal samples from a seeded generator (Box-Muller over mulberry32). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
