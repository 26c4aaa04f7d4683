import { isTelling } from './editDiff';

/**
 * What the code itself says about which files go with the one just changed: its imports, the
 * files importing it, and the files holding the words its change touched. Imports are read
 * from the import lines alone, by module name (the last part
 * of "./api/users.js" or "app.api.users"), so no resolver, tsconfig or package layout is needed
 * and a file the workspace has not indexed yet still matches by its name.
 */

/** What the code says about one file the user has just changed. */
export interface FileLinks {
  /** The module names the file imports. */
  readonly imports: ReadonlySet<string>;
  /** ... of which these were added by the user's latest changes to the file. */
  readonly added: ReadonlySet<string>;
  /** Files that import it (by its module name). */
  readonly importers: ReadonlySet<string>;
  /**
   * Files holding words of the lines the change added or removed, each scored by the sum of
   * 1 / (number of files holding the word): a rare identifier shared says more than a common one.
   */
  readonly sharedWords: ReadonlyMap<string, number>;
}

export const NO_LINKS: FileLinks = Object.freeze({
  imports: new Set<string>(),
  added: new Set<string>(),
  importers: new Set<string>(),
  sharedWords: new Map<string, number>(),
});

/** A file imported everywhere (a utils module) gives its newest importers only. */
export const MAX_IMPORTERS = 64;

const CHANGED_WORD = /[A-Za-z_$][\w$]{4,}/g;
/** Words in more files than this are too common to point anywhere. */
export const MAX_WORD_FILES = 50;
/** At most this many words of a change are looked up... */
export const MAX_CHANGED_WORDS = 40;
/** ...and this many files kept, best first. */
export const MAX_WORD_FILES_KEPT = 12;

/** The distinct words (5+ characters) of the lines a change added or removed. */
export function changedWords(before: string, after: string): string[] {
  const count = new Map<string, number>();
  for (const line of before.split('\n')) count.set(line, (count.get(line) ?? 0) + 1);
  const changed: string[] = [];
  for (const line of after.split('\n')) {
    const n = count.get(line) ?? 0;
    if (n > 0) count.set(line, n - 1);
    else changed.push(line);
  }
  for (const [line, n] of count) for (let i = 0; i < n; i++) changed.push(line);
  return wordsOfLines(changed).slice(0, MAX_CHANGED_WORDS);
}

/** The distinct words (5+ characters, no keywords) of some lines, in order of appearance. */
export function wordsOfLines(lines: readonly string[]): string[] {
  const words = new Set<string>();
  for (const line of lines) for (const word of line.match(CHANGED_WORD) ?? []) if (isTelling(word)) words.add(word);
  return [...words];
}

/**
 * The files that share the changed words, scored (see FileLinks.sharedWords). `filesWith`
 * answers which files hold a word; `path` itself is left out.
 */
export function scoreSharedWords(
  path: string,
  words: readonly string[],
  filesWith: (word: string) => readonly string[],
): Map<string, number> {
  const score = new Map<string, number>();
  for (const word of words.slice(0, MAX_CHANGED_WORDS)) {
    const files = filesWith(word).filter((file) => file !== path);
    if (files.length === 0 || files.length > MAX_WORD_FILES) continue;
    for (const file of files) score.set(file, (score.get(file) ?? 0) + 1 / files.length);
  }
  const best = [...score].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_WORD_FILES_KEPT);
  return new Map(best);
}

const JS_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const PY_FROM = /^\s*from\s+([.\w]+)\s+import\s+([\w\s,()*]+)/gm;
const PY_IMPORT = /^\s*import\s+([\w.]+)/gm;

/** The last segment of every module a file imports ("./api/users.js" and "app.api.users" give "users"). */
export function importedModules(text: string): Set<string> {
  const modules = new Set<string>();
  for (const m of text.matchAll(JS_IMPORT)) modules.add(jsModule(m[1] ?? ''));
  for (const m of text.matchAll(PY_FROM)) {
    modules.add(lastSegment(m[1] ?? ''));
    // `from . import users` names the module after `import`.
    for (const name of (m[2] ?? '').split(/[\s,()]+/)) if (name) modules.add(name);
  }
  for (const m of text.matchAll(PY_IMPORT)) modules.add(lastSegment(m[1] ?? ''));
  modules.delete('');
  return modules;
}

/** The name other files import a file by: its stem, or its folder's name for index/__init__. */
export function moduleName(path: string): string {
  const parts = path.split('/');
  const base = (parts[parts.length - 1] ?? '').replace(/\.(d\.)?[^.]+$/, '');
  return base === 'index' || base === '__init__' ? (parts[parts.length - 2] ?? '') : base;
}

/** A JS specifier's file name as moduleName gives it ("./Journey.module.css": "Journey.module", "./api": "api"). */
function jsModule(specifier: string): string {
  if (!specifier.includes('/')) return lastSegment(specifier);
  const parts = specifier.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  const base = (parts[parts.length - 1] ?? '').replace(FILE_EXTENSION, '');
  return base === 'index' ? (parts[parts.length - 2] ?? '') : base;
}

const FILE_EXTENSION = /\.(js|ts|tsx|jsx|mjs|cjs|mts|cts|json|css|scss|sass|less|svg|vue|svelte)$/;

function lastSegment(specifier: string): string {
  const parts = specifier.split(/[/.]/).filter((p) => p !== '');
  let last = parts[parts.length - 1] ?? '';
  if (/^(js|ts|tsx|jsx|mjs|cjs|py)$/.test(last) && parts.length > 1) last = parts[parts.length - 2] ?? '';
  return last === 'index' || last === '__init__' ? (parts[parts.length - 2] ?? '') : last;
}

/** Each item's keys, and each key's items, kept in step as an item's keys change. */
export class KeyIndex {
  private readonly keysOf = new Map<string, ReadonlySet<string>>();
  private readonly holders = new Map<string, Set<string>>();

  /** Records the keys `item` has now (an empty set, or `delete`, when it is gone). */
  set(item: string, keys: ReadonlySet<string>): void {
    const before = this.keysOf.get(item);
    for (const key of before ?? []) if (!keys.has(key)) this.holders.get(key)?.delete(item);
    for (const key of keys) {
      if (before?.has(key)) continue;
      const items = this.holders.get(key);
      if (items) items.add(item);
      else this.holders.set(key, new Set([item]));
    }
    this.keysOf.set(item, keys);
  }

  delete(item: string): void {
    this.set(item, new Set());
    this.keysOf.delete(item);
  }

  keys(item: string): ReadonlySet<string> | undefined {
    return this.keysOf.get(item);
  }

  /** The items holding `key`, in the order they first gained it. */
  itemsWith(key: string): ReadonlySet<string> {
    return this.holders.get(key) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** File -> the module names it imports, and module name -> the files importing it. */
export class ModuleImporters extends KeyIndex {
  /** Files that import the module `path` defines (by its module name), at most `limit`. */
  importersOf(path: string, limit: number): string[] {
    const name = moduleName(path);
    const out: string[] = [];
    if (name === '') return out;
    for (const file of this.itemsWith(name)) {
      if (out.length >= limit) break;
      if (file !== path) out.push(file);
    }
    return out;
  }
}
