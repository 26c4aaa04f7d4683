import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readSourceFiles } from '../eval/sourceFiles';
import { createPathExcluder } from '../privacy/globs';
import { dotenvValues, redactSecrets } from './redact';
import type { TrainingDocument } from './trainPersonal';

/** Never learned from, whatever the settings say. */
export const NEVER_LEARN = ['**/.env*', '**/*.pem', '**/*.key', '**/id_*', '**/secrets*', '**/node_modules/**'];

export interface CollectedDocuments {
  readonly documents: TrainingDocument[];
  /** Where each document came from, in the same order. */
  readonly sources: readonly { readonly path: string; readonly mtimeMs: number }[];
  readonly files: number;
  readonly redactions: number;
}

export interface CollectOptions {
  /** A further test on absolute paths (the workspace's .gitignore, say); true leaves the file out. */
  readonly ignored?: (absolutePath: string) => boolean;
}

/**
 * The code a personal model may learn from in a folder: source files not excluded by the
 * globs, secrets redacted, most recently modified first (the budget keeps the newest code),
 * and the newest quarter weighted double.
 */
export async function collectDocuments(
  root: string,
  excludeGlobs: readonly string[] = [],
  options: CollectOptions = {},
): Promise<CollectedDocuments> {
  const excluded = createPathExcluder([...NEVER_LEARN, ...excludeGlobs]);
  const files = (await readSourceFiles(root)).filter(
    (f) => !excluded(f.path) && !excluded(path.relative(root, f.path)) && !options.ignored?.(f.path),
  );
  const dated = await Promise.all(files.map(async (f) => ({ f, mtime: (await fs.stat(f.path)).mtimeMs })));
  dated.sort((a, b) => b.mtime - a.mtime || (a.f.path < b.f.path ? -1 : 1));
  const known = await workspaceSecrets(root);
  let redactions = 0;
  const documents = dated.map(({ f }, i) => {
    const r = redactSecrets(f.text, known);
    redactions += r.redactions;
    return { text: r.text, weight: i < dated.length / 4 ? 2 : 1 };
  });
  const sources = dated.map(({ f, mtime }) => ({ path: f.path, mtimeMs: mtime }));
  return { documents, sources, files: documents.length, redactions };
}

/** Values declared in the folder's .env files (read only to be redacted, never learned). */
export async function workspaceSecrets(root: string, depth = 3): Promise<string[]> {
  const values: string[] = [];
  const walk = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isFile() && /^\.env/.test(e.name)) {
        values.push(...dotenvValues(await fs.readFile(p, 'utf8').catch(() => '')));
      } else if (e.isDirectory() && level < depth && e.name !== 'node_modules' && e.name !== '.git') {
        await walk(p, level + 1);
      }
    }
  };
  await walk(root, 0);
  return values;
}
