import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from './processAlive';

/**
 * Removes the temporary files of writers of `file` that are gone, for writes that name them
 * `<file>.<pid>.<time>.tmp` (the personal model's); those of a live writer, another window,
 * are left alone.
 */
export async function clearLeftovers(file: string): Promise<number> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = new RegExp(`^${escapeRegExp(base)}\\.(\\d+)\\.\\d+\\.tmp$`).exec(name);
    if (!m || isProcessAlive(Number(m[1]))) continue;
    await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    removed++;
  }
  return removed;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
