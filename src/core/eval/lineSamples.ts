import { toLf } from '../complete/lineEndings';
import type { SourceFile } from '../privacy/sourceFiles';

/** One line-completion case: the cursor, what stands before it, and the rest of the line. */
export interface LineCase {
  readonly path: string;
  readonly line: number;
  readonly col: number;
  readonly prefix: string;
  readonly suffix: string;
  readonly target: string;
}

interface SplitFile {
  readonly path: string;
  readonly rows: readonly string[];
}

const IDENT = /[A-Za-z0-9_$]/;
const COMMENT = /^(\/\/|#|\/\*|\*|"""|''')/;

/** A small seeded generator (mulberry32): the same seed gives the same cases everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * DESIGN.md's protocol: lines whose trimmed text has at least 10 characters and is not only a
 * comment; the cursor uniformly between the indentation's end and one character before the
 * line's end, moved back to the nearest identifier boundary (or the indentation's end).
 */
export function sampleLineCases(files: readonly SourceFile[], samples: number, seed: number): LineCase[] {
  const rand = seededRandom(seed);
  // cases are cut from each file as the editor hands it to the pipeline: '\n' breaks only, so a
  // CRLF copy of a file gives the very same cases
  const split = files.map((f) => ({ path: f.path, rows: toLf(f.text).split('\n') }));
  const candidates: [SplitFile, number][] = [];
  for (const f of split) {
    f.rows.forEach((l, i) => {
      const t = l.trim();
      if (t.length >= 10 && !COMMENT.test(t)) candidates.push([f, i]);
    });
  }
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j] as [SplitFile, number], candidates[i] as [SplitFile, number]];
  }
  return candidates.slice(0, samples).map(([f, i]) => {
    const { rows } = f;
    const line = rows[i] ?? '';
    const indent = line.length - line.trimStart().length;
    const end = line.trimEnd().length;
    let col = indent + Math.floor(rand() * Math.max(1, end - indent));
    while (col > indent && IDENT.test(line[col - 1] ?? '') === IDENT.test(line[col] ?? '')) col--;
    const before = rows.slice(0, i).join('\n');
    return {
      path: f.path,
      line: i,
      col,
      prefix: (i > 0 ? before + '\n' : '') + line.slice(0, col),
      suffix: rows.slice(i + 1).length ? '\n' + rows.slice(i + 1).join('\n') : '',
      target: line.slice(col).trimEnd(),
    };
  });
}
