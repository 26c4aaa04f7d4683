import { spawn } from 'node:child_process';
import { git, type CommitRecord } from '../signals/gitHistory';
import {
  importedModules,
  KeyIndex,
  MAX_IMPORTERS,
  ModuleImporters,
  scoreSharedWords,
  wordsOfLines,
  type FileLinks,
} from '../../nextEdit/fileLinks';
import { parseCommitPatch } from './commitHunks';
import { MAX_FILES, MIN_FILES } from './nextFileEval';

/** The files whose imports are read: the languages importedModules understands. */
const CODE = /\.(ts|tsx|js|jsx|mjs|cjs|py)$/;
/** Files whose words are not worth indexing. */
const NOT_TEXT =
  /\.(png|jpe?g|gif|ico|webp|woff2?|ttf|eot|otf|mp[34]|zip|gz|pdf|lock)$|(^|\/)(package-lock\.json|pnpm-lock\.yaml)$/;
/** Larger files are generated or bundled; their imports say little. */
const MAX_BLOB_BYTES = 512 * 1024;

/**
 * What the user would have on disk at each question of the next-file replay: the query file's
 * imports as the commit leaves it (the user has just changed it), the files importing it and
 * the files holding the words of its changed lines, both before the commit (the rest of the
 * workspace, not yet touched). Read from git for the commits from `from` on, starting from the
 * tree just before them. Returns a lookup for the replay.
 */
export async function readLinkHistory(
  repo: string,
  commits: readonly CommitRecord[],
  from: number,
): Promise<(index: number, file: string) => FileLinks | undefined> {
  const first = commits[from];
  if (!first) return () => undefined;
  const base = `${first.hash}^`;
  const baseFiles = (await git(['-C', repo, 'ls-tree', '-r', '--name-only', '-z', base]).catch(() => ''))
    .split('\0')
    .filter((file) => file !== '' && !NOT_TEXT.test(file));
  const specs = baseFiles.map((file) => `${base}:${file}`);
  for (const commit of commits.slice(from)) {
    const gone = new Set(commit.deleted);
    for (const file of commit.files) if (!NOT_TEXT.test(file) && !gone.has(file)) specs.push(`${commit.hash}:${file}`);
  }
  const blobs = await readBlobs(repo, specs);

  const graph = new ModuleImporters();
  const words = new KeyIndex();
  const learn = (file: string, spec: string) => {
    const blob = blobs.get(spec);
    if (CODE.test(file)) graph.set(file, blob?.modules ?? new Set());
    words.set(file, blob?.words ?? new Set());
  };
  for (const file of baseFiles) learn(file, `${base}:${file}`);
  const links = new Map<number, Map<string, FileLinks>>();
  for (const [offset, commit] of commits.slice(from).entries()) {
    const distinct = [...new Set(commit.files)];
    if (distinct.length >= MIN_FILES && distinct.length <= MAX_FILES) {
      const changed = await changedLinesOf(repo, commit.hash);
      const row = new Map<string, FileLinks>();
      for (const file of distinct) {
        const newest = graph.importersOf(file, Number.MAX_SAFE_INTEGER).slice(-MAX_IMPORTERS);
        const now = blobs.get(`${commit.hash}:${file}`)?.modules ?? new Set<string>();
        const before = graph.keys(file) ?? new Set<string>();
        row.set(file, {
          imports: now,
          added: new Set([...now].filter((module) => !before.has(module))),
          importers: new Set(newest),
          sharedWords: scoreSharedWords(file, wordsOfLines(changed.get(file) ?? []), (word) => [
            ...words.itemsWith(word),
          ]),
        });
      }
      links.set(from + offset, row);
    }
    const gone = new Set(commit.deleted);
    for (const file of commit.files) {
      if (gone.has(file)) {
        graph.delete(file);
        words.delete(file);
      } else if (!NOT_TEXT.test(file)) learn(file, `${commit.hash}:${file}`);
    }
  }
  return (index, file) => links.get(index)?.get(file);
}

/** The lines each file's change removed and added (old then new, hunk by hunk), from `git diff-tree -U0`. */
async function changedLinesOf(repo: string, hash: string): Promise<Map<string, string[]>> {
  const patch = await git([
    '-C',
    repo,
    '-c',
    'core.quotepath=off',
    'diff-tree',
    '-p',
    '-U0',
    '--no-renames',
    '--no-commit-id',
    '--root',
    hash,
  ]).catch(() => '');
  const out = new Map<string, string[]>();
  for (const hunk of parseCommitPatch(`${hash}\n${patch}`, () => true)?.hunks ?? []) {
    let lines = out.get(hunk.path);
    if (!lines) out.set(hunk.path, (lines = []));
    for (const line of [...hunk.oldLines, ...hunk.newLines]) {
      if (lines.length >= MAX_CHANGED_LINES) break;
      lines.push(line);
    }
  }
  return out;
}

/** A file's words are read from at most this many changed lines. */
const MAX_CHANGED_LINES = 400;

interface BlobFacts {
  readonly modules: ReadonlySet<string>;
  readonly words: ReadonlySet<string>;
}

/** The imported module names and the words of each blob (`<rev>:<path>`), read in one `git cat-file --batch`. */
function readBlobs(repo: string, specs: readonly string[]): Promise<Map<string, BlobFacts>> {
  return new Promise((resolve, reject) => {
    const asked = specs.filter((spec) => !spec.includes('\n'));
    const out = new Map<string, BlobFacts>();
    const child = spawn('git', ['-C', repo, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let pending: Buffer = Buffer.alloc(0);
    let next = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const eol = pending.indexOf(10);
        if (eol < 0) return;
        const header = pending.subarray(0, eol).toString('utf8');
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          pending = pending.subarray(eol + 1);
          next++;
          continue;
        }
        const size = Number(header.split(' ')[2]);
        if (pending.length < eol + 1 + size + 1) return;
        const spec = asked[next++];
        const body = pending.subarray(eol + 1, eol + 1 + size);
        if (spec !== undefined && size <= MAX_BLOB_BYTES && !body.subarray(0, 8000).includes(0)) {
          const text = body.toString('utf8');
          out.set(spec, { modules: importedModules(text), words: new Set(wordsOfLines([text])) });
        }
        pending = pending.subarray(eol + 1 + size + 1);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`git cat-file exited with ${code}`))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(asked.map((spec) => `${spec}\n`).join(''));
  });
}
