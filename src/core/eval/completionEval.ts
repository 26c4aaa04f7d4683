import type { CompletionEngine } from '../complete/types';
import { sampleLineCases, type LineCase } from './lineSamples';
import { lookupCompletion } from './lookupBaseline';
import { percentile, score, type Scores } from './metrics';
import { leaveOutRepeats, type RepeatedFile, type TrainLines } from './repeatedFiles';
import { readSourceFiles, type SkipLog } from '../privacy/sourceFiles';

export interface CompletionMetrics extends Scores {
  readonly p50_ms: number;
  readonly p95_ms: number;
}

export interface CompletionEvalResult {
  readonly samples: number;
  readonly base: CompletionMetrics;
  readonly lookup: Scores;
  readonly predictions: readonly string[];
  readonly cases: readonly LineCase[];
}

export interface LoadedCases {
  readonly cases: LineCase[];
  /** Source files read under the test folder, those left out included. */
  readonly files: number;
  /** The test files left out as repeats of a train file (null when there is no train folder). */
  readonly leftOut: RepeatedFile[] | null;
}

/**
 * The sampled lines of the test folder; with the train folder's lines, test files that repeat
 * a train file are left out first, so that the same files are sampled for base and personal model.
 */
export async function loadCases(
  testDir: string,
  samples: number,
  seed: number,
  options: { log?: SkipLog; train?: TrainLines } = {},
): Promise<LoadedCases> {
  const files = await readSourceFiles(testDir, options.log ? { log: options.log } : {});
  if (!options.train) return { cases: sampleLineCases(files, samples, seed), files: files.length, leftOut: null };
  const { kept, leftOut } = leaveOutRepeats(files, options.train);
  return { cases: sampleLineCases(kept, samples, seed), files: files.length, leftOut };
}

/** Scores an engine on the cases through its own single-line completion path. */
export async function scoreEngine(
  engine: CompletionEngine,
  cases: readonly LineCase[],
  maxTokens: number,
  onProgress?: (done: number) => void,
): Promise<{ metrics: CompletionMetrics; predictions: string[] }> {
  const predictions: string[] = [];
  const ms: number[] = [];
  const signal = new AbortController().signal;
  for (const c of cases) {
    const started = performance.now();
    const lines = c.prefix.split('\n');
    const out = await engine.complete(
      {
        prefix: c.prefix,
        suffix: c.suffix,
        languageId: c.path.endsWith('.py') ? 'python' : 'typescript',
        path: c.path,
        position: { line: c.line, character: lines[lines.length - 1]?.length ?? 0 },
        maxTokens,
      },
      signal,
    );
    ms.push(performance.now() - started);
    // single-line protocol: the first line of the suggestion, trailing whitespace trimmed
    predictions.push((out?.text ?? '').split('\n')[0]?.trimEnd() ?? '');
    onProgress?.(predictions.length);
  }
  const s = score(
    predictions,
    cases.map((c) => c.target),
  );
  return { metrics: { ...s, p50_ms: percentile(ms, 50), p95_ms: percentile(ms, 95) }, predictions };
}

export function scoreLookup(cases: readonly LineCase[]): Scores {
  return score(
    cases.map(lookupCompletion),
    cases.map((c) => c.target),
  );
}
