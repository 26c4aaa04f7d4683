import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders never searched for .gitignore files (their contents are never learned anyway). */
const SKIP = new Set(['.git', 'node_modules']);

/**
 * What git would ignore under `root`: every .gitignore below it (each applying to its own
 * folder, deeper files overriding shallower ones, negations included) and .git/info/exclude.
 * Returns a test for absolute paths inside `root`; paths outside it are never ignored.
 */
export async function loadGitignore(root: string): Promise<(absolutePath: string) => boolean> {
  const rules: { dir: string; matcher: Ignore }[] = [];
  const add = async (dir: string, file: string): Promise<void> => {
    try {
      const text = await fs.readFile(file, 'utf8');
      rules.push({ dir, matcher: ignore().add(text) });
    } catch {
      // absent or unreadable: no rules from it
    }
  };
  await add(root, path.join(root, '.git', 'info', 'exclude'));
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === '.gitignore')) await add(dir, path.join(dir, '.gitignore'));
    for (const e of entries) {
      if (!e.isDirectory() || SKIP.has(e.name)) continue;
      const sub = path.join(dir, e.name);
      // a folder ignored by the rules so far is not searched further (git does the same)
      if (ignoredBy(rules, sub, true)) continue;
      await walk(sub);
    }
  };
  await walk(root);
  return (absolutePath) => {
    const rel = path.relative(root, absolutePath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    return ignoredBy(rules, absolutePath, false);
  };
}

/** Shallower rule files first, so a deeper file's verdict wins. */
function ignoredBy(rules: readonly { dir: string; matcher: Ignore }[], target: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { dir, matcher } of rules) {
    const rel = path.relative(dir, target);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const posix = rel.split(path.sep).join('/') + (isDir ? '/' : '');
    const result = matcher.test(posix);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
