import { promises as fs } from 'node:fs';
import { AdapterFileError, readAdapterHeader, type HeaderRead } from '../adapt/adapterFile';
import { describeError } from '../log';
import { clearLeftovers } from '../store/leftovers';
import type { PersonalSlot } from './lifecycle';

export type PersonalFileLoad =
  | { readonly kind: 'none' }
  /** Applied; what its header says (the rest of the file was read by the engine). */
  | ({ readonly kind: 'loaded' } & HeaderRead)
  /** The file could not be used; it was removed so that a clean one is learned again. */
  | { readonly kind: 'discarded'; readonly reason: string };

/**
 * Loads the workspace's personal model `file` into the running engine. This thread reads only
 * the header, for what it shows; the engine reads, checks and applies the rest in its own.
 * A file that cannot be used (damaged, truncated, foreign format, a field out of place, trained
 * for other weights) is deleted and reported, never thrown, and completions go on with the
 * base model. No file: the personal model is taken out. Leftovers of a write that was killed
 * half-way are cleared first.
 */
export async function loadPersonalFile(slot: PersonalSlot, file: string): Promise<PersonalFileLoad> {
  await clearLeftovers(file);
  let read: HeaderRead;
  try {
    read = await readAdapterHeader(file, { modelId: slot.modelId, ...slot.shape });
  } catch (error) {
    await slot.apply(undefined);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return discard(file, reasonOf(error));
  }
  try {
    await slot.apply(file);
  } catch (error) {
    // the engine refused the file and went back to the base model; anything else (the engine stopped) is not the file's fault
    if (error instanceof AdapterFileError) return discard(file, error.detail);
    throw error;
  }
  return { kind: 'loaded', ...read };
}

function reasonOf(error: unknown): string {
  return error instanceof AdapterFileError ? error.detail : `it could not be read (${describeError(error)})`;
}

async function discard(file: string, reason: string): Promise<PersonalFileLoad> {
  await fs.rm(file, { force: true }).catch(() => undefined);
  return { kind: 'discarded', reason };
}
