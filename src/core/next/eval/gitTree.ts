import { execFileSync } from 'node:child_process';
import { isCodePath } from './commitHunks';

/** Size limit of the protocol's code files (DESIGN.md: files over 200 KB are skipped). */
export const MAX_FILE_BYTES = 200 * 1024;

/**
 * The code files of a repository at one commit, read lazily: the listing comes from one
 * `git ls-tree`, each file's text from `git cat-file` the first time it is asked for, cached by
 * blob id (a file unchanged between commits is read once) within a byte budget.
 */
export class GitTree {
  private readonly blobs = new Map<string, string>();
  private cachedBytes = 0;
  private listing = new Map<string, string>();
  private paths: string[] = [];

  constructor(
    private readonly repo: string,
    private readonly budgetBytes = 256 * 1024 * 1024,
  ) {}

  /** Moves to the tree of `rev` (e.g. "abc123^"); an unknown revision (a root commit's parent) is empty. */
  checkout(rev: string): void {
    this.listing = new Map();
    let out: string;
    try {
      out = execFileSync('git', ['-C', this.repo, '-c', 'core.quotepath=off', 'ls-tree', '-r', '-l', rev], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      out = '';
    }
    for (const line of out.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const [, type, blob, size] = line.slice(0, tab).split(/\s+/);
      const path = line.slice(tab + 1);
      if (type !== 'blob' || !blob || !isCodePath(path) || Number(size) > MAX_FILE_BYTES) continue;
      this.listing.set(path, blob);
    }
    this.paths = [...this.listing.keys()];
  }

  files(): readonly string[] {
    return this.paths;
  }

  has(path: string): boolean {
    return this.listing.has(path);
  }

  /** Whether reading `path` needs no git call (its blob was read before). */
  isCached(path: string): boolean {
    const blob = this.listing.get(path);
    return blob !== undefined && this.blobs.has(blob);
  }

  read(path: string): string | undefined {
    const blob = this.listing.get(path);
    if (blob === undefined) return undefined;
    const known = this.blobs.get(blob);
    if (known !== undefined) return known;
    let text: string;
    try {
      text = execFileSync('git', ['-C', this.repo, 'cat-file', 'blob', blob], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).replace(/\r\n/g, '\n');
    } catch {
      return undefined;
    }
    if (this.cachedBytes + text.length > this.budgetBytes) {
      this.blobs.clear();
      this.cachedBytes = 0;
    }
    this.blobs.set(blob, text);
    this.cachedBytes += text.length;
    return text;
  }
}
