import type { CompletionEngine } from '../complete/types';
import { sampleLineCases, type LineCase } from './lineSamples';
import { lookupCompletion } from './lookupBaseline';
import { percentile, score, type Scores } from './metrics';
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

export async function loadCases(testDir: string, samples: number, seed: number, log?: SkipLog): Promise<LineCase[]> {
  return sampleLineCases(await readSourceFiles(testDir, log ? { log } : {}), samples, seed);
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
