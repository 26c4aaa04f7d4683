import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from './processAlive';

/**
 * Removes the files in `dir` that `writerOf` reads as a temporary file of a writer (returning
 * its pid) that is gone; those of a live writer, another window, stay. Without this every
 * crash during a save would leak one file.
 */
export async function removeDeadWritersFiles(
  dir: string,
  writerOf: (name: string) => number | undefined,
): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = writerOf(name);
    if (pid === undefined || isProcessAlive(pid)) continue;
    await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    removed++;
  }
  return removed;
}

/**
 * Removes the temporary files of gone writers of `file` for writes that name them
 * `<file>.<pid>.<time>.tmp` (the personal model's).
 */
export function clearLeftovers(file: string): Promise<number> {
  const temp = new RegExp(`^${escapeRegExp(path.basename(file))}\\.(\\d+)\\.\\d+\\.tmp$`);
  return removeDeadWritersFiles(path.dirname(file), (name) => pidOf(temp.exec(name)));
}

/** The pid a temporary file's name holds in its first group, if it matched. */
export function pidOf(match: RegExpExecArray | null): number | undefined {
  return match ? Number(match[1]) : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
