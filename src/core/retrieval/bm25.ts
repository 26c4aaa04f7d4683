/** Okapi BM25's usual constants: term frequency saturation and length normalization. */
const K1 = 1.2;
const B = 0.75;

interface Posting {
  ids: Int32Array;
  tfs: Uint16Array;
  n: number;
}

interface Doc {
  /**
   * Pairs: a term id, and where this document stands in that term's posting list (one array,
   * not two: each typed array costs about a hundred bytes of its own).
   */
  readonly terms: Int32Array;
  readonly length: number;
}

/**
 * BM25 over small documents (windows of code) that come and go one at a time. Postings are
 * typed arrays and a removal takes its entries out at once (swapping in the list's last
 * entry), so a search walks live entries only and costs one addition per posting of its
 * terms: a few milliseconds over 30,000 windows where a general-purpose index took a second
 * (docs/completions.md).
 */
export class Bm25 {
  private readonly termIds = new Map<string, number>();
  private readonly names: (string | undefined)[] = [];
  private readonly postings: (Posting | undefined)[] = [];
  private readonly freeTerms: number[] = [];
  private readonly docs: (Doc | undefined)[] = [];
  private readonly freeDocs: number[] = [];
  private live = 0;
  private totalLength = 0;
  private scores = new Float64Array(0);

  get size(): number {
    return this.live;
  }

  /** Adds a document of `terms` (repeats count); returns its id. */
  add(terms: readonly string[]): number {
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    const id = this.freeDocs.pop() ?? this.docs.length;
    const pairs = new Int32Array(counts.size * 2);
    let i = 0;
    for (const [term, tf] of counts) {
      const t = this.termId(term);
      const p = this.postings[t] as Posting;
      if (p.n === p.ids.length) {
        const ids2 = new Int32Array(Math.max(4, p.n * 2));
        const tfs2 = new Uint16Array(ids2.length);
        ids2.set(p.ids);
        tfs2.set(p.tfs);
        p.ids = ids2;
        p.tfs = tfs2;
      }
      p.ids[p.n] = id;
      p.tfs[p.n] = Math.min(tf, 0xffff);
      pairs[i++] = t;
      pairs[i++] = p.n++;
    }
    this.docs[id] = { terms: pairs, length: terms.length };
    this.live++;
    this.totalLength += terms.length;
    return id;
  }

  remove(id: number): void {
    const doc = this.docs[id];
    if (!doc) return;
    for (let i = 0; i < doc.terms.length; i += 2) {
      const t = doc.terms[i] as number;
      const p = this.postings[t] as Posting;
      const from = doc.terms[i + 1] as number;
      const last = --p.n;
      if (from !== last) {
        const moved = p.ids[last] as number;
        p.ids[from] = moved;
        p.tfs[from] = p.tfs[last] as number;
        const other = (this.docs[moved] as Doc).terms;
        for (let j = 0; j < other.length; j += 2) if (other[j] === t) other[j + 1] = from;
      }
      if (p.n === 0) this.dropTerm(t);
    }
    this.docs[id] = undefined;
    this.freeDocs.push(id);
    this.live--;
    this.totalLength -= doc.length;
  }

  /** The `k` highest-scoring documents for the query's distinct terms that `accept` lets through, best first (ties to the older document). */
  top(query: readonly string[], accept: (id: number) => boolean, k: number): { id: number; score: number }[] {
    if (this.live === 0) return [];
    if (this.scores.length < this.docs.length) this.scores = new Float64Array(this.docs.length * 2);
    const scores = this.scores;
    const touched: number[] = [];
    const avg = this.totalLength / this.live;
    for (const term of new Set(query)) {
      const t = this.termIds.get(term);
      const p = t === undefined ? undefined : this.postings[t];
      if (!p) continue;
      const idf = Math.log(1 + (this.live - p.n + 0.5) / (p.n + 0.5));
      for (let i = 0; i < p.n; i++) {
        const id = p.ids[i] as number;
        const tf = p.tfs[i] as number;
        const length = (this.docs[id] as Doc).length;
        if (scores[id] === 0) touched.push(id);
        scores[id] = (scores[id] as number) + (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avg));
      }
    }
    // the k best kept in order as the scores are read back (k is small): no sort of every touched one
    const out: { id: number; score: number }[] = [];
    // ties go to the older document, so that the answer does not depend on the scan's order
    const before = (a: { id: number; score: number }, b: { id: number; score: number }): boolean =>
      a.score > b.score || (a.score === b.score && a.id < b.id);
    for (const id of touched) {
      const found = { id, score: scores[id] as number };
      scores[id] = 0;
      const last = out[out.length - 1];
      if (out.length === k && last && !before(found, last)) continue;
      if (!accept(id)) continue;
      let at = out.length;
      while (at > 0 && before(found, out[at - 1] as { id: number; score: number })) at--;
      out.splice(at, 0, found);
      if (out.length > k) out.pop();
    }
    return out;
  }

  private termId(term: string): number {
    let t = this.termIds.get(term);
    if (t === undefined) {
      t = this.freeTerms.pop() ?? this.postings.length;
      this.termIds.set(term, t);
      this.names[t] = term;
      this.postings[t] = { ids: new Int32Array(4), tfs: new Uint16Array(4), n: 0 };
    }
    return t;
  }

  /** A term no live document holds any more: its name and list go (files come and go for hours). */
  private dropTerm(t: number): void {
    this.termIds.delete(this.names[t] as string);
    this.names[t] = undefined;
    this.postings[t] = undefined;
    this.freeTerms.push(t);
  }
}
