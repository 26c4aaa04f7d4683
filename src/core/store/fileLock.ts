import { promises as fs, constants } from 'node:fs';

const STALE_LOCK_MS = 10 * 60 * 1000;
const UNNAMED_LOCK_MS = 2_000;

/**
 * Runs `work` holding an exclusive lock file; a lock left by a dead or long-gone writer is
 * taken over. When another live writer keeps it for about five seconds, throws `busy()`.
 */
export async function withLock<T>(
  lockFile: string,
  work: () => Promise<T>,
  busy: () => Error = () => new Error(`${lockFile} is held by another process`),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const h = await fs.open(lockFile, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
      await h.writeFile(String(process.pid));
      await h.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lockFile)) {
        await fs.rm(lockFile, { force: true });
        continue;
      }
      if (attempt > 50) throw busy();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  try {
    const [stat, pid] = await Promise.all([fs.stat(lockFile), fs.readFile(lockFile, 'utf8')]);
    if (Date.now() - stat.mtimeMs > STALE_LOCK_MS) return true;
    const owner = pid.trim() === '' ? NaN : Number(pid);
    // A writer fills in its pid right after creating the lock: a lock still without one after
    // a moment was left by a writer killed in between.
    if (!Number.isInteger(owner) || owner <= 0) return Date.now() - stat.mtimeMs > UNNAMED_LOCK_MS;
    try {
      process.kill(owner, 0);
      return false;
    } catch (error) {
      // EPERM: the owner lives, under another user
      return (error as NodeJS.ErrnoException).code !== 'EPERM';
    }
  } catch {
    return true; // vanished meanwhile: try again
  }
}
