import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeError } from '../log';
import { clearLeftovers } from '../store/leftovers';
import { AdapterFileError, readAdapterFile, type AdapterContents, type BaseModel } from './adapterFile';
import type { CheckedHeader } from './adapterValidation';
import type { LearnedMeta } from './workerProtocol';

/** The personal model's file name inside its workspace folder of the global storage. */
export const PERSONAL_FILE = 'personal.ondi';

/**
 * One folder per workspace under the extension's global storage, named by a hash of the
 * workspace's folder paths (order-independent), so two projects never share what was
 * learned and a path never appears in a folder name.
 */
export function workspaceKey(folders: readonly string[]): string {
  const normalized = [...new Set(folders.map((f) => path.resolve(f).replace(/\\/g, '/').replace(/\/+$/, '')))].sort();
  return createHash('sha256').update(normalized.join('\n')).digest('hex').slice(0, 16);
}

export function personalModelFile(globalStorage: string, folders: readonly string[]): string {
  return path.join(globalStorage, workspaceKey(folders), PERSONAL_FILE);
}

export type PersonalLoad =
  | { readonly kind: 'none' }
  | { readonly kind: 'loaded'; readonly contents: AdapterContents }
  /** The file could not be used; it was removed so that a clean one is learned again. */
  | { readonly kind: 'discarded'; readonly reason: string };

/**
 * Loads the workspace's personal model for the base model `base` (its id, or the id with its
 * dimensions). A damaged, truncated, foreign-format file, one with a field out of place or one
 * trained for other weights is deleted and reported, never applied and never thrown: the caller
 * says so (naming the file) and learns again. Leftovers of a write that
 * was killed half-way (temporary files, a dead writer's lock) are cleared first.
 */
export async function loadPersonalModel(file: string, base: string | BaseModel): Promise<PersonalLoad> {
  await clearLeftovers(file);
  try {
    return { kind: 'loaded', contents: await readAdapterFile(file, base) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    const reason = error instanceof AdapterFileError ? error.detail : `it could not be read (${describeError(error)})`;
    await fs.rm(file, { force: true }).catch(() => undefined);
    return { kind: 'discarded', reason };
  }
}

/** Everything learned for this workspace: the model, its temporary files and its lock. */
export async function deletePersonalModel(file: string): Promise<void> {
  await fs.rm(path.dirname(file), { recursive: true, force: true });
}

/**
 * What a personal model file (decoded, or its header alone) says it learned from. Files
 * written by the extension carry all of it; others (`ondi adapt`, older versions) get what the
 * file itself shows and plain defaults for the rest.
 */
export function learnedMetaOf(contents: AdapterContents | CheckedHeader): LearnedMeta {
  const decoded = 'adapter' in contents;
  const m = contents.meta;
  const num = (key: string, fallback: number): number =>
    typeof m[key] === 'number' && Number.isFinite(m[key]) ? m[key] : fallback;
  const str = (key: string): string | undefined => (typeof m[key] === 'string' ? m[key] : undefined);
  const when = str('trainedAt') ?? str('createdAt');
  const list = Array.isArray(m['fileList']) ? m['fileList'].filter((f): f is string => typeof f === 'string') : [];
  return {
    trainedAt: when !== undefined && Number.isFinite(Date.parse(when)) ? when : new Date(0).toISOString(),
    seconds: num('seconds', 0),
    loss: num('loss', Number.NaN),
    // learned: the stream the cache reads may go on past them
    tokens: num('tokens', decoded ? contents.tokens.length : contents.tokens),
    files: num('files', list.length),
    fileList: list,
    recentEdits: num('recentEdits', 0),
    redactions: num('redactions', 0),
    rank: decoded ? contents.adapter.shape.rank : contents.rank,
    sampling: str('sampling') ?? 'unknown',
    ...(typeof m['adapterApplied'] === 'boolean' ? { adapterApplied: m['adapterApplied'] } : {}),
    ...validationOf(m['validation']),
  };
}

function validationOf(v: unknown): { validation?: NonNullable<LearnedMeta['validation']> } {
  if (typeof v !== 'object' || v === null) return {};
  const { tokens, baseLoss, adaptedLoss, strength } = v as Record<string, unknown>;
  const ok = [tokens, baseLoss, adaptedLoss].every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!ok) return {};
  const validation = { tokens: tokens as number, baseLoss: baseLoss as number, adaptedLoss: adaptedLoss as number };
  return { validation: typeof strength === 'number' ? { ...validation, strength } : validation };
}
