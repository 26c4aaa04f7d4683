import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';

/**
 * Checks, before any long work, that a file can be written at `file`: it is not a folder, and
 * the nearest existing folder above it (the rest is created) is a folder Ondi may write in.
 */
export async function checkWritableFile(file: string, option: string): Promise<void> {
  const target = path.resolve(file);
  const stat = await fs.stat(target).catch(() => undefined);
  if (stat?.isDirectory()) throw new UsageError(`--${option} ${file} is a folder; give the path of a file`);
  let dir = path.dirname(target);
  for (;;) {
    const found = await fs.stat(dir).catch(() => undefined);
    if (found) {
      if (!found.isDirectory()) throw new UsageError(`--${option} ${file}: ${dir} is not a folder`);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  await fs.access(dir, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--${option} ${file}: the folder ${dir} is not writable (${error.code ?? error.message})`);
  });
}
