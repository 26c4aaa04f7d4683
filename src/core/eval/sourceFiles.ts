import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The files DESIGN.md's evaluation protocols read: code a person wrote, not bundles or data. */
export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.py'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'out', '.git']);
export const MAX_FILE_BYTES = 200_000;
export const MAX_LINE_CHARS = 500;

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Sorted walk so that sampling with a seed is repeatable on every machine. */
export async function readSourceFiles(root: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile() && isSourceName(e.name)) {
        const stat = await fs.stat(p);
        if (stat.size > MAX_FILE_BYTES) continue;
        const text = await fs.readFile(p, 'utf8');
        if (text.includes('\u0000') || text.split('\n').some((l) => l.length > MAX_LINE_CHARS)) continue;
        out.push({ path: p, text });
      }
    }
  };
  await walk(root);
  return out;
}

export function isSourceName(name: string): boolean {
  return SOURCE_EXTENSIONS.includes(path.extname(name)) && !/\.min\./.test(name);
}
