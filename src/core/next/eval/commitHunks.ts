import { spawn } from 'node:child_process';

/**
 * The hunks of commits as `git log -p --no-renames -U0` prints them, for the "Next edit"
 * protocol: code files only, newest commits read first and the reading stops once enough
 * commits with two or more hunks were found.
 */
export interface Hunk {
  readonly path: string;
  /** 1-based first old line as git prints it (for a pure insertion: the line it goes after). */
  readonly oldStart: number;
  readonly oldLines: readonly string[];
  readonly newLines: readonly string[];
}

export interface CommitHunks {
  readonly hash: string;
  readonly hunks: readonly Hunk[];
}

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.py'];

/** The code files DESIGN.md's protocols read: by extension, not built, vendored or minified. */
export function isCodePath(path: string): boolean {
  if (!CODE_EXTENSIONS.some((ext) => path.endsWith(ext))) return false;
  if (/(^|\/)(node_modules|dist|build|out)\//.test(path)) return false;
  return !/\.min\./.test(path);
}

const RECORD = '\u0001';

/**
 * The newest `count` non-merge commits changing code in 2+ hunks, oldest first. git is
 * stopped as soon as they are found, so a long history is not read to the end.
 */
export function readCommitHunks(repo: string, count: number, signal?: AbortSignal): Promise<CommitHunks[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'git',
      [
        '-C',
        repo,
        '-c',
        'core.quotepath=off',
        'log',
        '--no-merges',
        '--no-renames',
        '-p',
        '-U0',
        '--no-color',
        '--no-ext-diff',
        `--format=${RECORD}%H`,
        '--',
        ...CODE_EXTENSIONS.map((ext) => `*${ext}`),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) },
    );
    const found: CommitHunks[] = [];
    let pending = '';
    let stderr = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      child.kill();
      resolve(found.reverse());
    };
    const take = (record: string) => {
      const commit = parseCommitPatch(record);
      if (commit && commit.hunks.length >= 2) found.push(commit);
      if (found.length >= count) finish();
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (done) return;
      pending += chunk;
      let at = pending.indexOf(RECORD, 1);
      while (at >= 0 && !done) {
        take(pending.slice(0, at));
        pending = pending.slice(at);
        at = pending.indexOf(RECORD, 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      if (!done) reject(error);
    });
    child.on('close', (code) => {
      if (done) return;
      if (code !== 0) {
        done = true;
        reject(new Error(stderr.trim().split('\n')[0] || `git log failed (${code})`));
        return;
      }
      if (pending.trim() !== '') take(pending);
      finish();
    });
  });
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * One commit's record (hash line, then its patch); undefined for an empty record. `accept`
 * says which files' hunks are kept (the protocol's code files unless told otherwise).
 */
export function parseCommitPatch(
  record: string,
  accept: (path: string) => boolean = isCodePath,
): CommitHunks | undefined {
  const lines = record.replace(RECORD, '').split('\n');
  const hash = (lines[0] ?? '').trim();
  if (hash === '') return undefined;
  const hunks: Hunk[] = [];
  let path: string | undefined;
  let current: { path: string; oldStart: number; oldLines: string[]; newLines: string[] } | undefined;
  const close = () => {
    if (current) hunks.push(current);
    current = undefined;
  };
  // a file's ---/+++ header comes before its first hunk; inside a hunk "--- x" is a removed "-- x"
  let inHeader = false;
  for (const line of lines.slice(1)) {
    if (line.startsWith('diff --git ')) {
      close();
      path = undefined;
      inHeader = true;
    } else if (inHeader && line.startsWith('+++ ')) {
      const target = line.slice(4);
      path = target === '/dev/null' ? path : target.replace(/^b\//, '');
    } else if (inHeader && line.startsWith('--- ')) {
      const source = line.slice(4);
      if (source !== '/dev/null') path = source.replace(/^a\//, '');
    } else if (line.startsWith('@@')) {
      close();
      inHeader = false;
      const m = HUNK_HEADER.exec(line);
      if (m && path !== undefined && accept(path))
        current = { path, oldStart: Number(m[1]), oldLines: [], newLines: [] };
    } else if (current) {
      if (line.startsWith('-')) current.oldLines.push(line.slice(1).replace(/\r$/, ''));
      else if (line.startsWith('+')) current.newLines.push(line.slice(1).replace(/\r$/, ''));
    }
  }
  close();
  return { hash, hunks };
}
