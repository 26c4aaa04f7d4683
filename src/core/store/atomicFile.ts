import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pidOf, removeDeadWritersFiles } from './leftovers';

/**
 * Writes `data` to `file` so that readers see either the old or the new content, never half
 * of it: the data goes to a temporary file in the same folder (same file system, so the
 * rename is atomic), is flushed to disk, and then replaces the target.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { tempName?: (file: string) => string } = {},
): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  if (!options.tempName) await clearDeadWritersTemps(file);
  const temp =
    options.tempName?.(file) ??
    path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  // the rename itself survives a crash only once the folder is flushed too
  const folder = await fs.open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * Removes the temporary files that writers of `file` killed in the middle of a write left
 * behind (`.<name>.<pid>.<random>.tmp`, the default name above); those of a live writer,
 * another window, stay.
 */
export function clearDeadWritersTemps(file: string): Promise<number> {
  const prefix = `.${path.basename(file)}.`;
  return removeDeadWritersFiles(path.dirname(file), (name) =>
    name.startsWith(prefix) ? pidOf(/^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))) : undefined,
  );
}

/** The file's JSON, or undefined when it does not exist yet; unreadable JSON throws. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}
