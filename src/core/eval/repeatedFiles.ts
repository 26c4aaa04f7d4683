import { listSourceFiles, readSourceText, type SourceFile, type WalkOptions } from '../privacy/sourceFiles';

/**
 * Lines shorter than this (stripped) are left out of the comparison: `}`, `return;` or
 * `else:` stand in every file and would make unrelated files look alike.
 */
export const MIN_COMPARED_CHARS = 10;

/** A test file at least this share of whose compared lines stand in one train file repeats it. */
export const REPEAT_SHARE = 0.5;

/** The lines of a file that take part in the comparison: stripped, at least MIN_COMPARED_CHARS long. */
export function comparedLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_COMPARED_CHARS);
}

/** The train file that holds most of a test file's compared lines. */
export interface NearestTrainFile {
  readonly path: string;
  /** The share of the test file's compared lines (counted with repeats) found in it, 0 to 1. */
  readonly share: number;
}

/**
 * The train files' compared lines, indexed by line: a test file is then compared with every
 * train file at once, in time proportional to its own lines and the files that share them.
 */
export class TrainLines {
  private readonly filesOf = new Map<string, number[]>();
  private readonly paths: string[] = [];

  get files(): number {
    return this.paths.length;
  }

  add(file: SourceFile): void {
    const index = this.paths.push(file.path) - 1;
    for (const line of new Set(comparedLines(file.text))) {
      const files = this.filesOf.get(line);
      if (files) files.push(index);
      else this.filesOf.set(line, [index]);
    }
  }

  /** The train file sharing most of `text`'s compared lines; undefined when none shares any. */
  nearest(text: string): NearestTrainFile | undefined {
    const lines = comparedLines(text);
    const found = new Map<number, number>();
    for (const line of lines) {
      for (const index of this.filesOf.get(line) ?? []) found.set(index, (found.get(index) ?? 0) + 1);
    }
    let best: [number, number] | undefined;
    for (const [index, count] of found) if (!best || count > best[1]) best = [index, count];
    return best && { path: this.paths[best[0]] ?? '', share: best[1] / lines.length };
  }
}

/** A test file left out, and the train file it repeats. */
export interface RepeatedFile {
  readonly path: string;
  readonly repeats: NearestTrainFile;
}

/**
 * DESIGN.md's line-completion protocol with `--train`: test files at least half of whose
 * compared lines stand in one single train file are left out, since a renamed or copied file
 * is not the user's new code and the personal model would only recall it. The share is taken
 * per train file, not over the whole tree: a new file written in the project's idiom shares
 * lines with many files, a copy with one.
 */
export function leaveOutRepeats(
  test: readonly SourceFile[],
  train: TrainLines,
): { kept: SourceFile[]; leftOut: RepeatedFile[] } {
  const kept: SourceFile[] = [];
  const leftOut: RepeatedFile[] = [];
  for (const file of test) {
    const nearest = train.nearest(file.text);
    if (nearest && nearest.share >= REPEAT_SHARE) leftOut.push({ path: file.path, repeats: nearest });
    else kept.push(file);
  }
  return { kept, leftOut };
}

/** The compared lines of the protocol's source files under `dir`, read one file at a time. */
export async function trainLinesOf(dir: string, options: WalkOptions = {}): Promise<TrainLines> {
  const lines = new TrainLines();
  for (const entry of await listSourceFiles(dir, options)) {
    const text = await readSourceText(entry.path, options);
    if (text !== undefined) lines.add({ path: entry.path, text });
  }
  return lines;
}
