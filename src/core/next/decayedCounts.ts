/**
 * Counts that fade with time: every `tick()` multiplies all counts by `decay` (0 < decay <= 1).
 * Instead of touching every entry on each tick, new increments are scaled up by a growing
 * factor and reads divide by it, so a tick costs O(1) however many keys there are.
 */
export class DecayedCounts<K> {
  private readonly raw = new Map<K, number>();
  private scale = 1;
  private readonly growth: number;

  constructor(readonly decay: number) {
    if (!(decay > 0 && decay <= 1)) throw new RangeError(`decay must be in (0, 1], got ${decay}`);
    this.growth = 1 / decay;
  }

  /** One step of time passes: every existing count shrinks by `decay`. */
  tick(steps = 1): void {
    this.scale *= this.growth ** steps;
    // Keep the stored numbers far from overflow by folding the scale back in now and then.
    if (this.scale > 1e200) this.rescale();
  }

  add(key: K, amount = 1): void {
    this.raw.set(key, (this.raw.get(key) ?? 0) + amount * this.scale);
  }

  get(key: K): number {
    return (this.raw.get(key) ?? 0) / this.scale;
  }

  has(key: K): boolean {
    return this.raw.has(key);
  }

  delete(key: K): void {
    this.raw.delete(key);
  }

  get size(): number {
    return this.raw.size;
  }

  *entries(): IterableIterator<[K, number]> {
    for (const [key, value] of this.raw) yield [key, value / this.scale];
  }

  /** Drops keys whose count has faded below `floor`, so memory stays bounded. */
  prune(floor: number): void {
    const limit = floor * this.scale;
    for (const [key, value] of this.raw) if (value < limit) this.raw.delete(key);
  }

  private rescale(): void {
    for (const [key, value] of this.raw) this.raw.set(key, value / this.scale);
    this.scale = 1;
  }
}
