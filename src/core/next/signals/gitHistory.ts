import { execFile } from 'node:child_process';

/** One non-merge commit as `git log --no-renames --name-status` lists it. */
export interface CommitRecord {
  readonly hash: string;
  /** Seconds since the epoch (author time). */
  readonly time: number;
  /** Changed paths in git's own order (the order `--name-only` prints). */
  readonly files: readonly string[];
  /** The subset of `files` that the commit deleted. */
  readonly deleted: readonly string[];
}

export interface ReadCommitsOptions {
  /** Only the newest `max` commits (still returned oldest first). */
  readonly max?: number;
  readonly signal?: AbortSignal;
}

const RECORD_START = '\u0001';

/**
 * Reads the non-merge history of the repository at `repo` (a work tree or a bare git folder),
 * oldest commit first. Rename detection is off so a rename is a delete plus an add, exactly as
 * the evaluation protocol in DESIGN.md counts files.
 */
export async function readCommits(repo: string, options: ReadCommitsOptions = {}): Promise<CommitRecord[]> {
  const args = [
    '-C',
    repo,
    '-c',
    'core.quotepath=off',
    'log',
    '--no-merges',
    '--no-renames',
    '--name-status',
    `--format=${RECORD_START}%H %at`,
  ];
  if (options.max !== undefined) args.push(`--max-count=${options.max}`);
  return parseNameStatusLog(await git(args, options.signal)).reverse();
}

/**
 * The workspace folder's place inside its repository ("" at the root, "packages/app/" below
 * it): git reports paths from the repository root, the editor from the workspace folder.
 */
export async function readWorkspacePrefix(dir: string): Promise<string> {
  return (await git(['-C', dir, 'rev-parse', '--show-prefix'])).trim();
}

/** The same commits with paths relative to `prefix` (a folder ending in '/'); files outside it are left out. */
export function relativeToPrefix(commits: readonly CommitRecord[], prefix: string): CommitRecord[] {
  if (prefix === '') return [...commits];
  const inside = (files: readonly string[]) =>
    files.filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length));
  return commits.map((commit) => ({ ...commit, files: inside(commit.files), deleted: inside(commit.deleted) }));
}

/** Runs git; a failure says what git said ("fatal: not a git repository ..."), not the whole command. */
export function git(args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(
      'git',
      args,
      { maxBuffer: 1 << 30, encoding: 'utf8', ...(signal ? { signal } : {}) },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const said = stderr.trim().split('\n')[0];
        reject(new Error(said ? said : error.message.split('\n')[0]));
      },
    );
  });
}

/** Parses the output of readCommits' git command (newest first, as git prints it). */
export function parseNameStatusLog(output: string): CommitRecord[] {
  const commits: CommitRecord[] = [];
  for (const record of output.split(RECORD_START)) {
    if (record.trim() === '') continue;
    const [header = '', ...lines] = record.split('\n');
    const [hash = '', time = '0'] = header.trim().split(' ');
    const files: string[] = [];
    const deleted: string[] = [];
    for (const line of lines) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const path = line.slice(tab + 1);
      files.push(path);
      if (line.startsWith('D')) deleted.push(path);
    }
    commits.push({ hash, time: Number(time), files, deleted });
  }
  return commits;
}
