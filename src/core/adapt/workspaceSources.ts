import * as path from 'node:path';
import { createPathExcluder } from '../privacy/globs';
import { NEVER_LEARN } from '../privacy/neverLearn';
import { redactSecrets } from '../privacy/redact';
import type { SourceEntry } from '../privacy/sourceFiles';
import type { TrainingDocument } from './trainPersonal';
import type { RecentText, WorkspaceScope } from './workerProtocol';
import { learnableFiles, readDocuments, workspaceSecrets, type TokenBudget } from './workspaceDocuments';

/** Recently edited text counts this much more than a workspace file. */
export const RECENT_WEIGHT = 3;

export interface Source {
  readonly file: SourceEntry;
  readonly path: string;
  /** Shown to the user: relative to its folder (prefixed with the folder's name in multi-root workspaces). */
  readonly label: string;
  readonly mtimeMs: number;
}

/** Recent text that may be learned, secrets redacted. */
export interface RecentDocuments {
  readonly documents: TrainingDocument[];
  readonly redactions: number;
}

export interface Workspace {
  /** Every folder's learnable files, newest first, not read yet. */
  readonly sources: Source[];
  /** Values the folders' .env files declare (redacted from every folder and from recent text). */
  readonly secrets: string[];
  readonly allowed: (absolutePath: string) => boolean;
  /** Reads sources in their order, secrets redacted, until the budget (if any) is filled. */
  readonly read: (
    sources: readonly Source[],
    budget?: TokenBudget,
  ) => Promise<{ documents: TrainingDocument[]; read: Source[]; redactions: number }>;
  /** The recent text inside the workspace and allowed by its rules, redacted, most recent first. */
  readonly recent: (texts: readonly RecentText[]) => RecentDocuments;
}

export interface CollectOptions {
  readonly log?: (message: string) => void;
  /**
   * A folder that cannot be listed (removed or unreadable since the workspace opened): by
   * default skipped with one log line so the others are still learned; may throw instead.
   */
  readonly unreadableFolder?: (folder: string, error: unknown) => void;
}

/**
 * The files Ondi may learn from in every folder of `scope`, newest first, by metadata only:
 * the one selection the learning worker, `ondi adapt` and `ondi eval completion --train` use.
 */
export async function collectWorkspace(scope: WorkspaceScope, options: CollectOptions = {}): Promise<Workspace> {
  const log = options.log ?? (() => undefined);
  const unreadable =
    options.unreadableFolder ??
    ((folder: string, error: unknown) =>
      log(`skipped folder ${folder}: ${error instanceof Error ? error.message : String(error)}`));
  const sources: Source[] = [];
  const secrets: string[] = [];
  const ignoredBy: ((p: string) => boolean)[] = [];
  for (const folder of scope.folders) {
    let listed;
    try {
      listed = await learnableFiles(folder, {
        excludeGlobs: scope.excludeGlobs,
        respectGitignore: scope.respectGitignore,
        log,
      });
    } catch (error) {
      unreadable(folder, error);
      continue;
    }
    const { files, ignored } = listed;
    if (ignored) ignoredBy.push(ignored);
    secrets.push(...(await workspaceSecrets(folder)));
    for (const file of files) {
      const rel = path.relative(folder, file.path).split(path.sep).join('/');
      const label = scope.folders.length > 1 ? `${path.basename(folder)}/${rel}` : rel;
      sources.push({ file, path: file.path, label, mtimeMs: file.mtimeMs });
    }
  }
  sources.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : 1));
  const excluded = createPathExcluder([...NEVER_LEARN, ...scope.excludeGlobs]);
  const allowed = (p: string): boolean => {
    const inside = scope.folders.find(
      (f) => !path.relative(f, p).startsWith('..') && !path.isAbsolute(path.relative(f, p)),
    );
    if (!inside) return false;
    return !excluded(p) && !excluded(path.relative(inside, p)) && !ignoredBy.some((ignored) => ignored(p));
  };
  const read = async (chosen: readonly Source[], budget?: TokenBudget) => {
    // a value one folder's .env declares is redacted from every folder
    const collected = await readDocuments(
      chosen.map((s) => s.file),
      { known: secrets, log, ...(budget ? { budget } : {}) },
    );
    const byPath = new Map(chosen.map((s) => [s.path, s]));
    const readSources = collected.sources.map((s) => byPath.get(s.path) as Source);
    return { documents: collected.documents, read: readSources, redactions: collected.redactions };
  };
  const recent = (texts: readonly RecentText[]): RecentDocuments => {
    let redactions = 0;
    const documents: TrainingDocument[] = [];
    for (const r of texts) {
      if (!allowed(r.path)) continue;
      const redacted = redactSecrets(r.text, secrets);
      redactions += redacted.redactions;
      documents.push({ text: redacted.text, weight: RECENT_WEIGHT });
    }
    return { documents, redactions };
  };
  return { sources, secrets, allowed, read, recent };
}
