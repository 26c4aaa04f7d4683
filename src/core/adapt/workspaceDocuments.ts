import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listSourceFiles, readSourceText, type SkipLog, type SourceEntry, type SourceFs } from '../privacy/sourceFiles';
import { loadGitignore } from '../privacy/gitignore';
import { createPathExcluder } from '../privacy/globs';
import { NEVER_LEARN } from '../privacy/neverLearn';
import { dotenvValues, redactSecrets } from '../privacy/redact';
import type { TrainingDocument } from './trainPersonal';

export interface CollectedDocuments {
  readonly documents: TrainingDocument[];
  /** Where each document came from, in the same order. */
  readonly sources: readonly { readonly path: string; readonly mtimeMs: number }[];
  readonly files: number;
  readonly redactions: number;
}

export interface ListOptions {
  readonly excludeGlobs?: readonly string[];
  /** A further test on absolute paths (the workspace's .gitignore, say); true leaves the file out. */
  readonly ignored?: (absolutePath: string) => boolean;
  readonly log?: SkipLog;
  readonly fs?: SourceFs;
}

/**
 * The source files a personal model may learn from in a folder, by metadata only (nothing is
 * read): not excluded by the globs or `ignored`, most recently modified first (the budget
 * keeps the newest code).
 */
export async function listLearnableFiles(root: string, options: ListOptions = {}): Promise<SourceEntry[]> {
  const excluded = createPathExcluder([...NEVER_LEARN, ...(options.excludeGlobs ?? [])]);
  const files = (await listSourceFiles(root, options)).filter(
    (f) => !excluded(f.path) && !excluded(path.relative(root, f.path)) && !options.ignored?.(f.path),
  );
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
}

/**
 * The one file collection the learning worker, `ondi adapt` and `ondi eval --train` share:
 * learnable files of a folder, leaving out what its .gitignore files ignore when asked to.
 */
export async function learnableFiles(
  root: string,
  options: { excludeGlobs?: readonly string[]; respectGitignore: boolean; log?: SkipLog; fs?: SourceFs },
): Promise<{ files: SourceEntry[]; ignored?: (absolutePath: string) => boolean }> {
  const ignored = options.respectGitignore ? await loadGitignore(root) : undefined;
  const files = await listLearnableFiles(root, { ...options, ...(ignored ? { ignored } : {}) });
  return { files, ...(ignored ? { ignored } : {}) };
}

/** Stop reading once the documents read so far fill the token budget. */
export interface TokenBudget {
  readonly maxTokens: number;
  /** Tokens a document's text takes in the training stream (without its separator). */
  readonly countTokens: (text: string) => number;
  /** Tokens already taken by documents learned before these (recent edits). */
  readonly used?: number;
}

export interface ReadOptions {
  /** Secret values declared elsewhere (the .env files), redacted wherever they appear. */
  readonly known?: readonly string[];
  readonly budget?: TokenBudget;
  readonly log?: SkipLog;
  readonly fs?: SourceFs;
}

/**
 * Reads listed files in their order, secrets redacted, until the token budget is filled, so
 * memory follows the budget rather than the folder. A file that cannot be read is left out
 * (one log line) and the next one is read. The newest quarter of the listed files is weighted
 * double.
 */
export async function readDocuments(
  files: readonly SourceEntry[],
  options: ReadOptions = {},
): Promise<CollectedDocuments> {
  const documents: TrainingDocument[] = [];
  const sources: { path: string; mtimeMs: number }[] = [];
  const budget = options.budget;
  let used = budget?.used ?? 0;
  let redactions = 0;
  for (const [i, file] of files.entries()) {
    if (budget && used >= budget.maxTokens) break;
    const text = await readSourceText(file.path, options);
    if (text === undefined) continue;
    const r = redactSecrets(text, options.known);
    redactions += r.redactions;
    documents.push({ text: r.text, weight: i < files.length / 4 ? 2 : 1 });
    sources.push({ path: file.path, mtimeMs: file.mtimeMs });
    // each document follows a separator token in the stream
    if (budget) used += 1 + budget.countTokens(r.text);
  }
  return { documents, sources, files: documents.length, redactions };
}

/**
 * The code a personal model may learn from in a folder: listed, then read (all of it, or up to
 * `budget`), secrets redacted, newest first.
 */
export async function collectDocuments(
  root: string,
  excludeGlobs: readonly string[] = [],
  options: Omit<ListOptions, 'excludeGlobs'> & { budget?: TokenBudget } = {},
): Promise<CollectedDocuments> {
  const files = await listLearnableFiles(root, { ...options, excludeGlobs });
  return readDocuments(files, { ...options, known: await workspaceSecrets(root) });
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
