/**
 * Remembers recent suggestions by the text before the cursor. When the user types the first
 * characters of a shown suggestion, the rest is served from here without asking the model.
 */
/** Keys are the prefix's tail: long enough to tell positions apart, short enough to hash per keystroke. */
const KEY_CHARS = 1500;
const key = (prefix: string): string => prefix.slice(-KEY_CHARS);

export class SuggestionCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly capacity = 64) {}

  get(prefix: string): string | undefined {
    const exact = this.entries.get(key(prefix));
    if (exact !== undefined) {
      this.touch(key(prefix), exact);
      return exact;
    }
    // typed into a suggestion: some earlier prefix + part of its completion
    for (let back = 1; back <= 64 && back <= prefix.length; back++) {
      const completion = this.entries.get(key(prefix.slice(0, prefix.length - back)));
      if (completion === undefined) continue;
      const typed = prefix.slice(prefix.length - back);
      if (completion.startsWith(typed) && completion.length > typed.length) return completion.slice(typed.length);
    }
    return undefined;
  }

  set(prefix: string, completion: string): void {
    this.touch(key(prefix), completion);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private touch(prefix: string, completion: string): void {
    this.entries.delete(prefix);
    this.entries.set(prefix, completion);
  }
}
