import { toLf } from '../complete/lineEndings';
import type { CompletionEngine, CompletionRequest } from '../complete/types';
import { percentile, round } from '../eval/metrics';
import type { SourceFile } from '../privacy/sourceFiles';

export interface SpotResult {
  /** Spots measured each way. */
  readonly spots: number;
  /** The first keystroke at a spot the engine has not seen: its whole prompt is read. */
  readonly cold_p50_ms: number;
  readonly cold_p95_ms: number;
  /** The first keystroke at a spot whose prompt was read when the cursor got there. */
  readonly warmed_p50_ms: number;
  readonly warmed_p95_ms: number;
  /** Reading a spot's prompt ahead of time (off the keystroke's path). */
  readonly prepare_p50_ms: number;
}

/**
 * The editor's hardest workload: the user goes somewhere new (a click, Go to Line, another
 * file), starts a new line and types its first character. Spots alternate: every other one is
 * prepared first, as the editor does when the cursor comes to rest, so both ways are measured
 * on the same files in one run. Spots jump between files, so no prompt shares much with the last.
 */
export async function newSpots(
  engine: CompletionEngine,
  prepare: (request: CompletionRequest, signal: AbortSignal) => Promise<number>,
  files: readonly SourceFile[],
  options: { spots: number; maxTokens: number },
): Promise<SpotResult> {
  const cold: number[] = [];
  const warmed: number[] = [];
  const prepared: number[] = [];
  const signal = new AbortController().signal;
  const perFile = files.map((f) => candidateSpots(f));
  for (let k = 0; cold.length + warmed.length < options.spots * 2 && k < 10_000; k++) {
    const spotsHere = perFile[k % perFile.length];
    const spot = spotsHere?.[Math.floor(k / perFile.length)];
    if (!spotsHere || !spot) {
      if (perFile.every((s) => s.length <= Math.floor(k / perFile.length))) break;
      continue;
    }
    const at = (typed: string): CompletionRequest => ({
      prefix: spot.before + typed,
      suffix: spot.after,
      languageId: spot.path.endsWith('.py') ? 'python' : 'typescript',
      path: spot.path,
      position: { line: spot.line, character: typed.length },
      maxTokens: options.maxTokens,
    });
    const warm = warmed.length < cold.length;
    if (warm) {
      const started = performance.now();
      await prepare(at(spot.indent), signal);
      prepared.push(performance.now() - started);
    }
    const started = performance.now();
    await engine.complete(at(spot.indent + spot.first), signal);
    (warm ? warmed : cold).push(performance.now() - started);
  }
  return {
    spots: Math.min(cold.length, warmed.length),
    cold_p50_ms: round(percentile(cold, 50), 1),
    cold_p95_ms: round(percentile(cold, 95), 1),
    warmed_p50_ms: round(percentile(warmed, 50), 1),
    warmed_p95_ms: round(percentile(warmed, 95), 1),
    prepare_p50_ms: round(percentile(prepared, 50), 1),
  };
}

interface Spot {
  readonly path: string;
  readonly line: number;
  /** The text up to the new line's indentation's start. */
  readonly before: string;
  readonly indent: string;
  /** The first character the user types there. */
  readonly first: string;
  readonly after: string;
}

/** New lines in the second half of a file (long prompts), every 7th line that starts with code. */
function candidateSpots(file: SourceFile): Spot[] {
  const rows = toLf(file.text).split('\n');
  const spots: Spot[] = [];
  for (let i = Math.floor(rows.length / 2); i < rows.length; i += 7) {
    const row = rows[i] ?? '';
    const indent = /^\s*/.exec(row)?.[0] ?? '';
    const first = row.slice(indent.length, indent.length + 1);
    if (!/\w/.test(first)) continue;
    spots.push({
      path: file.path,
      line: i,
      before: rows.slice(0, i).join('\n') + '\n',
      indent,
      first,
      after: '\n' + rows.slice(i + 1).join('\n'),
    });
  }
  return spots;
}
