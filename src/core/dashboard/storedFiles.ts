import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** A file Ondi keeps on this machine, with its size as the disk reports it now. */
export interface StoredFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Every file under Ondi's storage folders (the extension's global storage and this
 * workspace's storage), found by walking them rather than from a list of names Ondi means
 * to write, so a file that should not be there shows too. Missing folders list nothing.
 */
export async function listStoredFiles(folders: readonly string[], maxDepth = 4): Promise<StoredFile[]> {
  const found: StoredFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth) await walk(full, depth + 1);
      } else if (entry.isFile()) {
        const stat = await fs.stat(full).catch(() => undefined);
        if (stat) found.push({ path: full, bytes: stat.size });
      }
    }
  };
  for (const folder of new Set(folders)) await walk(folder, 1);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Deletes the files and then the folders left empty under `roots` (the roots stay). */
export async function deleteStoredFiles(files: readonly StoredFile[], roots: readonly string[]): Promise<void> {
  await Promise.all(files.map((f) => fs.rm(f.path, { force: true })));
  const folders = [...new Set(files.map((f) => path.dirname(f.path)))].sort((a, b) => b.length - a.length);
  for (const folder of folders) {
    if (roots.some((root) => path.resolve(root) === path.resolve(folder))) continue;
    // only empty ones: rmdir refuses anything else
    await fs.rmdir(folder).catch(() => undefined);
  }
}
