import { folderSimilarity, isTestPair, nameSimilarity, namesSubject, pathParts } from './pathStructure';

/**
 * The evidence for "file C is touched together with query file Q", as numbers a model can
 * weigh. Each entry says why it is there; the order is part of the saved model format
 * (FEATURE_VERSION changes when it does).
 */
export const FEATURE_VERSION = 2;

export interface PairFacts {
  /** Decayed number of changes that touched both files. */
  readonly together: number;
  /** Share of Q's changes that also touched C (the association rule Q => C). */
  readonly confidence: number;
  /** Share of C's changes that also touched Q. */
  readonly reverseConfidence: number;
  /** Changes since C was last touched (0 = the latest); undefined if never. */
  readonly age: number | undefined;
  /** Changes since Q and C last changed together; undefined if never. */
  readonly pairAge: number | undefined;
  /** Decayed number of changes that touched C, and Q. */
  readonly candidateWeight: number;
  readonly queryWeight: number;
  /** Strongest rule R => C over the files R the user touched just before. */
  readonly viaRecentConfidence: number;
  /** Q imports C (by C's module name), and C imports Q; false where the imports are not known. */
  readonly queryImports: boolean;
  readonly importsQuery: boolean;
  /** Q's latest change added the import of C. */
  readonly importAdded: boolean;
  /** How many candidates the imports link to Q (a file importing forty modules says less of each). */
  readonly linked: number;
  /** C's score among the files sharing the words Q's change touched (FileLinks.sharedWords), and its place there. */
  readonly sharedWords: number;
  readonly sharedWordsRank: number | undefined;
}

export const FEATURE_NAMES = [
  'confidence', // the ROSE rule itself
  'logConfidence', // ... on a log scale, so weak rules still separate
  'reverseConfidence', // C rarely changes without Q: a strong hint even if Q is a hub
  'logTogether', // support: a rule seen once is weaker than one seen fifty times
  'neverTogether',
  'touchedLast', // recency at three time scales: the last change, a session, a release
  'touchedRecently',
  'touchedThisSeason',
  'logAge',
  'pairRecently', // Q and C changed together lately (a feature in progress)
  'pairThisSeason',
  'logCandidateFrequency', // hot files are likelier
  'logQueryFrequency', // a hub query (changelog) says little; lets the model lean on recency
  'viaRecentConfidence', // what the files touched just before imply
  'logViaRecent',
  'testPair', // foo.ts <-> foo.test.ts
  'sameStem', // logo.svg <-> logo.png
  'sameFolder',
  'folderSimilarity',
  'nameSimilarity',
  'sameExtension',
  'queryIsTest',
  'candidateIsTest',
  'queryImports', // the file just changed uses C: a changed signature or export reaches it
  'importsQuery', // C uses the file just changed
  'importAdded', // the change made Q use C: C likely gained what Q now uses
  'linkShare', // one import link among few is telling
  'logSharedWords', // C holds identifiers the change to Q added or removed
  'sharedWordsTop', // ... more of them, or rarer ones, than any other file
] as const;

/** Weights before any outcome trained them: co-change, recency and test pairs count most. */
export const PRIOR_WEIGHTS: readonly number[] = [
  3, 0, 1, 0.5, -1, 1.5, 1, 0.5, 0, 0, 0, 0.2, 0, 2, 0, 2, 1, 0.5, 0.5, 1, 0.3, 0, 0, 1, 1, 1, 1, 1, 1,
];
export const PRIOR_BIAS = -4;

export function pairFeatures(query: string, candidate: string, facts: PairFacts): number[] {
  const q = pathParts(query);
  const c = pathParts(candidate);
  const testPair = isTestPair(query, candidate);
  const folder = folderSimilarity(query, candidate);
  const { age, pairAge } = facts;
  return [
    facts.confidence,
    Math.log(facts.confidence + 0.01),
    facts.reverseConfidence,
    Math.log1p(facts.together),
    facts.together === 0 ? 1 : 0,
    age === undefined ? 0 : Math.exp(-age),
    age === undefined ? 0 : Math.exp(-age / 8),
    age === undefined ? 0 : Math.exp(-age / 64),
    age === undefined ? -5 : -Math.log1p(age),
    pairAge === undefined ? 0 : Math.exp(-pairAge / 2),
    pairAge === undefined ? 0 : Math.exp(-pairAge / 32),
    Math.log1p(facts.candidateWeight),
    Math.log1p(facts.queryWeight),
    facts.viaRecentConfidence,
    Math.log(facts.viaRecentConfidence + 0.01),
    testPair ? 1 : 0,
    !testPair && q.stem === c.stem && namesSubject(q.stem) ? 1 : 0,
    folder === 1 ? 1 : 0,
    folder,
    nameSimilarity(query, candidate),
    q.ext === c.ext ? 1 : 0,
    q.isTest ? 1 : 0,
    c.isTest ? 1 : 0,
    facts.queryImports ? 1 : 0,
    facts.importsQuery ? 1 : 0,
    facts.importAdded ? 1 : 0,
    facts.queryImports || facts.importsQuery ? 1 / Math.max(1, facts.linked) : 0,
    Math.log1p(facts.sharedWords),
    facts.sharedWordsRank !== undefined && facts.sharedWordsRank < 3 ? 1 : 0,
  ];
}
