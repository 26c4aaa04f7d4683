import { AnswerMemory, DEFAULT_ANSWER_MEMORY, type AnswerMemoryOptions } from './answerMemory';
import { ChangeSets } from '../signals/changeSets';
import { CoChangeGraph } from './coChangeGraph';
import {
  FEATURE_NAMES,
  FEATURE_VERSION,
  pairFeatures,
  PRIOR_BIAS,
  PRIOR_WEIGHTS,
  type PairFacts,
} from './fileFeatures';
import { OnlineLogistic, type LogisticState } from '../../base/onlineLogistic';
import { pathParts } from './pathStructure';
import { findRenames } from '../signals/renames';
import { moduleName, NO_LINKS, type FileLinks } from '../../nextEdit/fileLinks';

/**
 * Ranks the files a user is likely to touch next, given the file they are on and the files
 * they touched just before. Evidence comes from the co-change graph (recency-weighted
 * association rules), how recently each file changed, and the shape of paths (test pairs,
 * folders, shared name words); see fileFeatures.ts. An online logistic model, trained on what
 * the user actually did next, weighs that evidence, so its output is a calibrated probability;
 * each file's own recent outcomes then correct it (answerMemory.ts).
 */
export interface NextFileRankerOptions {
  /** Weight a co-change keeps per later change (recent habits matter more). */
  readonly decay: number;
  /** Change sets larger than this teach no co-change pairs (bulk renames, formatting). */
  readonly maxFilesPerChange: number;
  /** How many recently touched files (and files of the query's folder) are always candidates. */
  readonly recentCandidates: number;
  /**
   * How strongly a file that nearly always comes with one ranked above it is pushed down:
   * a second slot for the same piece of work helps less than a different guess.
   */
  readonly diversity: number;
  /** Step size of the online weighting (0 keeps the prior weights). */
  readonly learningRate: number;
  /** How each file's own recent outcomes correct the model. */
  readonly answers: AnswerMemoryOptions;
}

export const DEFAULT_RANKER_OPTIONS: NextFileRankerOptions = Object.freeze({
  decay: 0.999,
  maxFilesPerChange: 30,
  recentCandidates: 16,
  diversity: 0.5,
  learningRate: 0.05,
  answers: DEFAULT_ANSWER_MEMORY,
});

export interface RankedFile {
  readonly file: string;
  /** The model's probability that the file is touched together with the query. */
  readonly probability: number;
  readonly facts: PairFacts;
  readonly testPair: boolean;
  /** The recently touched file whose rule supports this one most, if any. */
  readonly viaRecent: string | undefined;
}

/** Serializable learned weights, so they survive restarts. */
export interface NextFileRankerState {
  readonly featureVersion: number;
  readonly model: LogisticState;
}

export class NextFileRanker {
  private readonly graph: CoChangeGraph;
  private readonly lastTouched = new Map<string, number>();
  /** When two files last changed together (change number), per pair. */
  private readonly lastTogether = new Map<string, Map<string, number>>();
  /** Distinct recently touched files, most recent first. */
  private recent: string[] = [];
  private readonly byStem = new Map<string, Set<string>>();
  private readonly byModule = new Map<string, Set<string>>();
  private readonly byFolder = new Map<string, Set<string>>();
  private readonly model: OnlineLogistic;
  private readonly answers: AnswerMemory;
  /** Each file's latest change sets, to tell which candidates cover the same past changes. */
  private readonly sets = new ChangeSets(CHANGE_SETS_PER_FILE);
  private changes = 0;

  static readonly featureNames = FEATURE_NAMES;

  constructor(readonly options: NextFileRankerOptions = DEFAULT_RANKER_OPTIONS) {
    this.graph = new CoChangeGraph({ decay: options.decay, maxFilesPerChange: options.maxFilesPerChange });
    this.model = new OnlineLogistic(PRIOR_WEIGHTS, PRIOR_BIAS, options.learningRate);
    this.answers = new AnswerMemory(options.answers);
  }

  /** Number of change sets learned so far. */
  get changeCount(): number {
    return this.changes;
  }

  /** Files touched in the latest changes, most recent first. */
  recentFiles(limit = this.options.recentCandidates): readonly string[] {
    return this.recent.slice(0, limit);
  }

  /** Whether the ranker has seen the file in any change. */
  knows(file: string): boolean {
    return this.lastTouched.has(file);
  }

  /** Learns a change set: a commit, or the files saved together in one working session. */
  learnChange(files: readonly string[], deleted: readonly string[] = []): void {
    const gone = new Set(deleted);
    const touched = [...new Set(files)].filter((file) => !gone.has(file));
    const renames = findRenames(
      deleted.filter((file) => this.lastTouched.has(file)),
      touched.filter((file) => !this.lastTouched.has(file)),
    );
    this.graph.learn(touched);
    this.changes++;
    for (const file of touched) {
      this.lastTouched.set(file, this.changes);
      this.index(file);
    }
    if (touched.length <= this.options.maxFilesPerChange) {
      this.sets.add(this.changes, touched);
      for (const a of touched) {
        let row = this.lastTogether.get(a);
        if (!row) this.lastTogether.set(a, (row = new Map()));
        for (const b of touched) if (a !== b) row.set(b, this.changes);
      }
    }
    for (const [from, to] of renames) this.rename(from, to);
    for (const file of gone) this.forget(file);
    const fresh = new Set(touched);
    this.recent = [...touched, ...this.recent.filter((file) => !fresh.has(file) && !gone.has(file))].slice(
      0,
      4 * this.options.recentCandidates,
    );
  }

  /** What was learned about `from` now belongs to `to`, the same file under a new path. */
  private rename(from: string, to: string): void {
    this.graph.rename(from, to);
    this.sets.rename(from, to);
    this.answers.rename(from, to);
    const together = this.lastTogether.get(from);
    if (together) {
      const row = this.lastTogether.get(to) ?? new Map<string, number>();
      for (const [other, change] of together) {
        if (other === to) continue;
        row.set(other, Math.max(change, row.get(other) ?? 0));
        this.lastTogether.get(other)?.set(to, Math.max(change, this.lastTogether.get(other)?.get(to) ?? 0));
      }
      this.lastTogether.set(to, row);
    }
  }

  /** Removes a file everywhere (deleted, or excluded by the privacy settings). */
  forget(file: string): void {
    this.graph.forget(file);
    this.answers.forget(file);
    this.sets.forget(file);
    this.lastTouched.delete(file);
    for (const other of this.lastTogether.get(file)?.keys() ?? []) this.lastTogether.get(other)?.delete(file);
    this.lastTogether.delete(file);
    const { stem, dir } = pathParts(file);
    this.byStem.get(stem)?.delete(file);
    this.byModule.get(moduleName(file))?.delete(file);
    this.byFolder.get(dir)?.delete(file);
    this.recent = this.recent.filter((other) => other !== file);
  }

  /**
   * The `limit` most likely next files after `query`. `context` lists other files the user is
   * working with right now (most recent first); without it, the latest changes stand in.
   * `links`: what the code says about the query (its imports, importers, shared words), where read.
   */
  rank(query: string, limit: number, context?: readonly string[], links: FileLinks = NO_LINKS): RankedFile[] {
    const ctx = this.contextFor(query, context);
    const pool = this.candidates(query, links);
    const linked = linkedCount(pool, links);
    const scored = pool.map((file) => this.score(query, file, ctx, links, linked));
    scored.sort((a, b) => b.probability - a.probability || a.file.localeCompare(b.file));
    return this.diversify(query, scored, limit);
  }

  /** Trains the weighting on what really came next: `actual` are the files touched with `query`. */
  learnOutcome(
    query: string,
    actual: ReadonlySet<string>,
    context?: readonly string[],
    links: FileLinks = NO_LINKS,
  ): void {
    this.answers.record(query, actual);
    const ctx = this.contextFor(query, context);
    const pool = this.candidates(query, links);
    const linked = linkedCount(pool, links);
    const positives = pool.filter((file) => actual.has(file)).length;
    if (positives === 0) return; // nothing to learn: every right answer was a brand-new file
    // Balance the classes so the many negatives do not drown the few positives.
    const negativeWeight = Math.min(1, (4 * positives) / Math.max(1, pool.length - positives));
    for (const file of pool) {
      const label = actual.has(file) ? 1 : 0;
      this.model.learn(this.features(query, file, ctx, links, linked).features, label, label ? 1 : negativeWeight);
    }
  }

  state(): NextFileRankerState {
    return { featureVersion: FEATURE_VERSION, model: this.model.state() };
  }

  restore(state: NextFileRankerState): void {
    if (state.featureVersion === FEATURE_VERSION) this.model.restore(state.model);
  }

  private score(query: string, file: string, context: readonly string[], links: FileLinks, linked: number): RankedFile {
    const { features, facts, viaRecent } = this.features(query, file, context, links, linked);
    const probability = this.answers.blend(query, file, this.model.probability(features));
    return { file, probability, facts, testPair: features[FEATURE_NAMES.indexOf('testPair')] === 1, viaRecent };
  }

  private features(query: string, file: string, context: readonly string[], links: FileLinks, linked: number) {
    let viaRecent: string | undefined;
    let viaRecentConfidence = 0;
    for (const other of context) {
      if (other === file) continue;
      const c = this.graph.confidence(other, file);
      if (c > viaRecentConfidence) {
        viaRecentConfidence = c;
        viaRecent = other;
      }
    }
    const touched = this.lastTouched.get(file);
    const pairTouched = this.lastTogether.get(query)?.get(file);
    const facts: PairFacts = {
      together: this.graph.pairWeight(query, file),
      confidence: this.graph.confidence(query, file),
      reverseConfidence: this.graph.confidence(file, query),
      age: touched === undefined ? undefined : this.changes - touched,
      pairAge: pairTouched === undefined ? undefined : this.changes - pairTouched,
      candidateWeight: this.graph.fileWeight(file),
      queryWeight: this.graph.fileWeight(query),
      viaRecentConfidence,
      queryImports: links.imports.has(moduleName(file)),
      importsQuery: links.importers.has(file),
      importAdded: links.added.has(moduleName(file)),
      linked,
      sharedWords: links.sharedWords.get(file) ?? 0,
      sharedWordsRank: rankIn(links.sharedWords, file),
    };
    return { features: pairFeatures(query, file, facts), facts, viaRecent };
  }

  /**
   * Greedy pick: each next file should be likely even when the ones above it are not needed,
   * so two files that always change together do not take two of the top slots. Where the
   * query's own past changes show the candidate, the overlap is measured on them (of the
   * query's changes with the candidate, how many already had a picked file: a changelog's
   * changes spread over many files, and the picks should cover different ones); elsewhere
   * the general rule candidate => picked stands in.
   */
  private diversify(query: string, scored: RankedFile[], limit: number): RankedFile[] {
    const pool = scored.slice(0, 4 * limit);
    const chosen: RankedFile[] = [];
    const history = this.sets
      .of(query)
      .map((set) => ({ files: set.files, weight: this.options.decay ** (this.changes - set.id) }));
    while (chosen.length < limit && pool.length > 0) {
      let best = 0;
      let bestValue = -1;
      pool.forEach((candidate, index) => {
        let value = candidate.probability;
        let withCandidate = 0;
        let alreadyCovered = 0;
        for (const { files, weight } of history) {
          if (!files.has(candidate.file)) continue;
          withCandidate += weight;
          if (chosen.some((picked) => files.has(picked.file))) alreadyCovered += weight;
        }
        if (withCandidate > 0) value *= 1 - (this.options.diversity * alreadyCovered) / withCandidate;
        else
          for (const picked of chosen)
            value *= 1 - this.options.diversity * this.graph.confidence(candidate.file, picked.file);
        if (value > bestValue) {
          bestValue = value;
          best = index;
        }
      });
      chosen.push(...pool.splice(best, 1));
    }
    return chosen;
  }

  private contextFor(query: string, context: readonly string[] | undefined): readonly string[] {
    return (context ?? this.recent.slice(0, 8)).filter((file) => file !== query).slice(0, 8);
  }

  private candidates(query: string, links: FileLinks): string[] {
    const pool = new Set<string>();
    for (const file of links.importers) pool.add(file);
    for (const file of links.sharedWords.keys()) pool.add(file);
    for (const module of links.imports) for (const file of this.byModule.get(module) ?? []) pool.add(file);
    for (const [file] of this.graph.neighbors(query)) pool.add(file);
    for (const file of this.recent.slice(0, this.options.recentCandidates)) pool.add(file);
    const { stem, dir } = pathParts(query);
    for (const file of this.byStem.get(stem) ?? []) pool.add(file);
    const siblings = [...(this.byFolder.get(dir) ?? [])];
    siblings.sort((a, b) => (this.lastTouched.get(b) ?? 0) - (this.lastTouched.get(a) ?? 0));
    for (const file of siblings.slice(0, this.options.recentCandidates)) pool.add(file);
    pool.delete(query);
    // a file the code links to the change counts even without history (a new project, a new file)
    return [...pool].filter(
      (file) => this.lastTouched.has(file) || links.importers.has(file) || links.sharedWords.has(file),
    );
  }

  private index(file: string): void {
    const { stem, dir } = pathParts(file);
    addTo(this.byStem, stem, file);
    addTo(this.byModule, moduleName(file), file);
    addTo(this.byFolder, dir, file);
  }
}

/** How many of its latest change sets each file keeps for diversify (older ones weigh little). */
const CHANGE_SETS_PER_FILE = 128;

/** A file's place in a best-first map, if there. */
function rankIn(best: ReadonlyMap<string, number>, file: string): number | undefined {
  let n = 0;
  for (const key of best.keys()) {
    if (key === file) return n;
    n++;
  }
  return undefined;
}

/** How many of the candidates the query's imports link to it, either way. */
function linkedCount(pool: readonly string[], links: FileLinks): number {
  let n = 0;
  for (const file of pool) if (links.importers.has(file) || links.imports.has(moduleName(file))) n++;
  return n;
}

function addTo(index: Map<string, Set<string>>, key: string, file: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(file);
}
