import type { FileIndex } from './identifierIndex';
import type { WorkspaceReader } from './types';
import { WordSignatures } from './wordSignatures';

/**
 * Which files import which modules, kept current a bounded slice at a time: each refresh reads
 * at most `budget` files (round robin over the workspace) plus the ones just edited, so a
 * prediction never waits on a whole-workspace scan.
 */
export class ImportIndex {
  private readonly modulesOf = new Map<string, { text: string; modules: ReadonlySet<string> }>();
  /** module name -> the files importing it. */
  private readonly importers = new Map<string, Set<string>>();
  /** The words of the same files, read in the same pass. */
  readonly words = new WordSignatures();
  private cursor = 0;

  constructor(private readonly reader: WorkspaceReader) {}

  /** `indexed`: the word index of an edited file, so only its import lines are read again. */
  refresh(edited: readonly string[], budget: number, indexed?: (path: string) => FileIndex | undefined): void {
    for (const path of edited) {
      const file = indexed?.(path);
      const known = this.modulesOf.get(path);
      if (!file) this.index(path);
      else if (known?.text !== file.text) {
        this.setModules(path, file.text, importedModules(importLines(file)));
        // The words of the lines the edit changed join the fingerprint; a full read only when the known text is older.
        if (known && file.previousText === known.text) this.words.add(path, file.lastChangedText);
        else this.words.set(path, file.text);
      }
    }
    const files = this.reader.files();
    for (let n = 0; n < Math.min(budget, files.length); n++) {
      this.cursor = (this.cursor + 1) % files.length;
      const path = files[this.cursor];
      if (path !== undefined) this.index(path);
    }
  }

  /** Indexed files that import the module `path` defines (by its module name), at most `limit`. */
  importersOf(path: string, limit: number): string[] {
    const name = moduleName(path);
    const out: string[] = [];
    if (name === '') return out;
    for (const file of this.importers.get(name) ?? []) {
      if (out.length >= limit) break;
      if (file !== path) out.push(file);
    }
    return out;
  }

  /** Records a file's imports, keeping the module -> importers table in step. */
  private setModules(path: string, text: string, modules: ReadonlySet<string>): void {
    const before = this.modulesOf.get(path)?.modules;
    for (const module of before ?? []) if (!modules.has(module)) this.importers.get(module)?.delete(path);
    for (const module of modules) {
      if (before?.has(module)) continue;
      const files = this.importers.get(module);
      if (files) files.add(path);
      else this.importers.set(module, new Set([path]));
    }
    this.modulesOf.set(path, { text, modules });
  }

  get size(): number {
    return this.modulesOf.size;
  }

  /** The text a file had when last indexed. */
  textOf(path: string): string | undefined {
    return this.modulesOf.get(path)?.text;
  }

  private index(path: string): void {
    const text = this.reader.read(path);
    if (text === undefined) {
      this.setModules(path, '', new Set());
      this.modulesOf.delete(path);
      this.words.delete(path);
      return;
    }
    const known = this.modulesOf.get(path);
    if (known && known.text === text) return;
    this.setModules(path, text, importedModules(text));
    this.words.set(path, text);
  }
}

const JS_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const PY_FROM = /^\s*from\s+([.\w]+)\s+import\s+([\w\s,()*]+)/gm;
const PY_IMPORT = /^\s*import\s+([\w.]+)/gm;

/** The last segment of every module a file imports ("./api/users.js" and "app.api.users" give "users"). */
export function importedModules(text: string): Set<string> {
  const modules = new Set<string>();
  for (const m of text.matchAll(JS_IMPORT)) modules.add(lastSegment(m[1] ?? ''));
  for (const m of text.matchAll(PY_FROM)) {
    modules.add(lastSegment(m[1] ?? ''));
    // `from . import users` names the module after `import`.
    for (const name of (m[2] ?? '').split(/[\s,()]+/)) if (name) modules.add(name);
  }
  for (const m of text.matchAll(PY_IMPORT)) modules.add(lastSegment(m[1] ?? ''));
  modules.delete('');
  return modules;
}

/** The lines of a file that can hold an import (with a parenthesised Python list's continuation), as text. */
function importLines(file: FileIndex): string {
  const at = new Set([...file.linesWith('import'), ...file.linesWith('require'), ...file.linesWith('from')]);
  const lines = file.fileLines;
  const out: string[] = [];
  for (const i of [...at].sort((a, b) => a - b)) {
    out.push(lines[i] ?? '');
    if (!/\bimport\s*\([^)]*$/.test(lines[i] ?? '')) continue;
    for (let k = i + 1; k < lines.length && k < i + 200; k++) {
      out.push(lines[k] ?? '');
      if ((lines[k] ?? '').includes(')')) break;
    }
  }
  return out.join('\n');
}

function lastSegment(specifier: string): string {
  const parts = specifier.split(/[/.]/).filter((p) => p !== '');
  let last = parts[parts.length - 1] ?? '';
  if (/^(js|ts|tsx|jsx|mjs|cjs|py)$/.test(last) && parts.length > 1) last = parts[parts.length - 2] ?? '';
  return last === 'index' || last === '__init__' ? (parts[parts.length - 2] ?? '') : last;
}

/** The name other files import a file by: its stem, or its folder's name for index/__init__. */
export function moduleName(path: string): string {
  const parts = path.split('/');
  const base = (parts[parts.length - 1] ?? '').replace(/\.(d\.)?[^.]+$/, '');
  return base === 'index' || base === '__init__' ? (parts[parts.length - 2] ?? '') : base;
}

/** The test file that goes with a source file (foo.ts: foo.test.ts, foo.spec.ts, test_foo.py, ...), if any. */
export function testFileOf(path: string, files: readonly string[]): string | undefined {
  const stem = moduleName(path);
  if (stem === '' || /(\.|_)(test|spec)$|^test_/.test(stem)) return undefined;
  const names = new Set([`${stem}.test`, `${stem}.spec`, `test_${stem}`, `${stem}_test`, `${stem}.tests`]);
  let best: string | undefined;
  for (const file of files) {
    if (file === path) continue;
    const base = (file.split('/').pop() ?? '').replace(/\.[^.]+$/, '');
    if (names.has(base) || (base === stem && /(^|\/)(tests?|__tests__|spec)\//.test(file))) {
      if (best === undefined || sharedPrefix(file, path) > sharedPrefix(best, path)) best = file;
    }
  }
  return best;
}

/** testFileOf with the listing grouped by file stem once per listing, so a lookup does not walk the workspace. */
export class TestFiles {
  private listing: readonly string[] | undefined;
  private byStem = new Map<string, string[]>();

  of(path: string, files: readonly string[]): string | undefined {
    if (files !== this.listing) {
      this.listing = files;
      this.byStem = new Map();
      for (const file of files) {
        const base = (file.split('/').pop() ?? '').replace(/\.[^.]+$/, '');
        const stem = base.replace(/^test_|(\.test|\.spec|_test|\.tests)$/, '');
        const group = this.byStem.get(stem);
        if (group) group.push(file);
        else this.byStem.set(stem, [file]);
      }
    }
    return testFileOf(path, this.byStem.get(moduleName(path)) ?? []);
  }
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
