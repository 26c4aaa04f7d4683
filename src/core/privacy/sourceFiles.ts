import { constants, promises as fs } from 'node:fs';
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

/** A source file found by the walk, known by its metadata only (nothing read yet). */
export interface SourceEntry {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** The file system calls the walk makes; passed in so that tests can make them fail. */
export interface SourceFs {
  readdir(dir: string): Promise<import('node:fs').Dirent[]>;
  lstat(file: string): Promise<import('node:fs').Stats>;
  open(file: string, flags: number): Promise<fs.FileHandle>;
}

export const nodeSourceFs: SourceFs = {
  readdir: (dir) => fs.readdir(dir, { withFileTypes: true }),
  lstat: (file) => fs.lstat(file),
  open: (file, flags) => fs.open(file, flags),
};

/** Says which file or folder was left out and why (one line each). */
export type SkipLog = (message: string) => void;

export interface WalkOptions {
  readonly log?: SkipLog;
  readonly fs?: SourceFs;
}

/**
 * Source files under `root` by their metadata, in a sorted walk (so that sampling with a seed
 * is repeatable on every machine). Nothing is read: a folder or file that cannot be listed,
 * vanishes, is not a regular file or is over MAX_FILE_BYTES is left out with one log line,
 * and the walk goes on. Only `root` itself being unreadable throws.
 */
export async function listSourceFiles(root: string, options: WalkOptions = {}): Promise<SourceEntry[]> {
  const io = options.fs ?? nodeSourceFs;
  const log = options.log ?? (() => undefined);
  const out: SourceEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await io.readdir(dir);
    } catch (error) {
      if (dir === root) throw error;
      log(`skipped folder ${dir}: ${reasonOf(error)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (!isSourceName(e.name) || e.isSymbolicLink()) {
        // links are not followed: what they point to may lie outside the folder
        continue;
      } else if (!e.isFile()) {
        log(`skipped ${p}: not a regular file`);
      } else {
        const stat = await io.lstat(p).catch((error: unknown) => {
          log(`skipped ${p}: ${reasonOf(error)}`);
          return undefined;
        });
        if (!stat) continue;
        if (!stat.isFile()) log(`skipped ${p}: not a regular file`);
        else if (stat.size > MAX_FILE_BYTES) log(`skipped ${p}: ${tooLarge(stat.size)}`);
        else out.push({ path: p, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk(root);
  return out;
}

// O_NONBLOCK: a file swapped for a FIFO after the walk must not block the open
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * The text of one listed file, or undefined when it is no longer a readable regular file of at
 * most MAX_FILE_BYTES (said in one log line) or does not look like code a person wrote (binary,
 * or a line over MAX_LINE_CHARS: left out silently, as the protocols say).
 */
export async function readSourceText(file: string, options: WalkOptions = {}): Promise<string | undefined> {
  const io = options.fs ?? nodeSourceFs;
  const log = options.log ?? (() => undefined);
  let text: string;
  try {
    const handle = await io.open(file, READ_FLAGS);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        log(`skipped ${file}: not a regular file`);
        return undefined;
      }
      // read one byte past the limit, so that a file grown since the walk is caught
      const buffer = Buffer.alloc(Math.min(stat.size, MAX_FILE_BYTES) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) break;
      }
      if (length > MAX_FILE_BYTES) {
        log(`skipped ${file}: ${tooLarge(Math.max(length, stat.size))}`);
        return undefined;
      }
      text = buffer.toString('utf8', 0, length);
    } finally {
      await handle.close();
    }
  } catch (error) {
    log(`skipped ${file}: ${reasonOf(error)}`);
    return undefined;
  }
  if (text.includes('\u0000') || text.split('\n').some((l) => l.length > MAX_LINE_CHARS)) return undefined;
  return text;
}

/** Every source file's text (the evaluation's test folder): list, then read each. */
export async function readSourceFiles(root: string, options: WalkOptions = {}): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const entry of await listSourceFiles(root, options)) {
    const text = await readSourceText(entry.path, options);
    if (text !== undefined) out.push({ path: entry.path, text });
  }
  return out;
}

export function isSourceName(name: string): boolean {
  return SOURCE_EXTENSIONS.includes(path.extname(name)) && !/\.min\./.test(name);
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'it no longer exists';
  if (code === 'EACCES' || code === 'EPERM') return `it cannot be read (${code})`;
  if (code === 'ELOOP') return 'it became a link';
  return error instanceof Error ? error.message : String(error);
}

function tooLarge(bytes: number): string {
  return `over ${MAX_FILE_BYTES / 1000} KB (${Math.round(bytes / 1000)} KB)`;
}
