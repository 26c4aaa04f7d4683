import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readSourceFiles } from '../eval/sourceFiles';
import { createPathExcluder } from '../privacy/globs';
import { redactSecrets } from './redact';
import type { TrainingDocument } from './trainPersonal';

/** Never learned from, whatever the settings say. */
export const NEVER_LEARN = ['**/.env*', '**/*.pem', '**/*.key', '**/id_*', '**/secrets*', '**/node_modules/**'];

export interface CollectedDocuments {
  readonly documents: TrainingDocument[];
  readonly files: number;
  readonly redactions: number;
}

/**
 * The code a personal model may learn from in a folder: source files not excluded by the
 * globs, secrets redacted, most recently modified first (the budget keeps the newest code),
 * and the newest quarter weighted double.
 */
export async function collectDocuments(root: string, excludeGlobs: readonly string[] = []): Promise<CollectedDocuments> {
  const excluded = createPathExcluder([...NEVER_LEARN, ...excludeGlobs]);
  const files = (await readSourceFiles(root)).filter((f) => !excluded(f.path) && !excluded(path.relative(root, f.path)));
  const dated = await Promise.all(files.map(async (f) => ({ f, mtime: (await fs.stat(f.path)).mtimeMs })));
  dated.sort((a, b) => b.mtime - a.mtime || (a.f.path < b.f.path ? -1 : 1));
  let redactions = 0;
  const documents = dated.map(({ f }, i) => {
    const r = redactSecrets(f.text);
    redactions += r.redactions;
    return { text: r.text, weight: i < dated.length / 4 ? 2 : 1 };
  });
  return { documents, files: documents.length, redactions };
}
