import { toLf } from '../complete/lineEndings';
import type { CompletionEngine } from '../complete/types';
import { percentile } from '../eval/metrics';
import type { SourceFile } from '../privacy/sourceFiles';

export interface TypingResult {
  readonly requests: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly ms: readonly number[];
}

/**
 * Types through real files one character at a time, asking for a completion after every
 * keystroke as the editor would (no debounce: the worst case), and times each answer.
 */
export async function typeThrough(
  engine: CompletionEngine,
  files: readonly SourceFile[],
  options: { keystrokes: number; linesPerFile: number; maxTokens: number },
): Promise<TypingResult> {
  const ms: number[] = [];
  const signal = new AbortController().signal;
  outer: for (const f of files) {
    // typed as the editor hands a document to the pipeline: '\n' breaks only
    const rows = toLf(f.text).split('\n');
    const lines = rows
      .map((l, i) => [l, i] as const)
      .filter(([l, i]) => i > 5 && l.trim().length >= 12)
      .filter((_, k, all) => k % Math.max(1, Math.floor(all.length / options.linesPerFile)) === 0)
      .slice(0, options.linesPerFile);
    for (const [line, i] of lines) {
      const before = rows.slice(0, i).join('\n') + '\n';
      const after = '\n' + rows.slice(i + 1).join('\n');
      const indent = line.length - line.trimStart().length;
      for (let col = indent + 1; col <= line.trimEnd().length; col++) {
        const started = performance.now();
        await engine.complete(
          {
            prefix: before + line.slice(0, col),
            suffix: after,
            languageId: f.path.endsWith('.py') ? 'python' : 'typescript',
            path: f.path,
            position: { line: i, character: col },
            maxTokens: options.maxTokens,
          },
          signal,
        );
        ms.push(performance.now() - started);
        if (ms.length >= options.keystrokes) break outer;
      }
    }
  }
  return { requests: ms.length, p50_ms: percentile(ms, 50), p95_ms: percentile(ms, 95), ms };
}
