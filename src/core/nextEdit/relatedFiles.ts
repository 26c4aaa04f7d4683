import type { FileIndex } from './identifierIndex';
import type { WorkspaceReader } from './types';
import { WordSignatures } from './wordSignatures';
import { importedModules, ModuleImporters, moduleName } from './fileLinks';

/**
 * Which files import which modules, kept current a bounded slice at a time: each refresh reads
 * at most `budget` files (round robin over the workspace) plus the ones just edited, so a
 * prediction never waits on a whole-workspace scan.
 */
export class ImportIndex {
  /** The text each file had when its imports were read. */
  private readonly texts = new Map<string, string>();
  private readonly importers = new ModuleImporters();
  /** The words of the same files, read in the same pass. */
  readonly words = new WordSignatures();
  private cursor = 0;

  constructor(private readonly reader: WorkspaceReader) {}

  /**
   * Indexes the edited files, then at most `budget` more, stopping once `charBudget` characters
   * were read. `indexed`: the word index of an edited file, so only its import lines are read again.
   */
  refresh(
    edited: readonly string[],
    budget: number,
    indexed?: (path: string) => FileIndex | undefined,
    charBudget = Number.POSITIVE_INFINITY,
  ): void {
    for (const path of edited) {
      const file = indexed?.(path);
      const known = this.texts.get(path);
      if (!file) this.index(path);
      else if (known !== file.text) {
        this.setModules(path, file.text, importedModules(importLines(file)));
        // The words of the lines the edit changed join the fingerprint; a full read only when the known text is older.
        if (known !== undefined && file.previousText === known) this.words.add(path, file.lastChangedText);
        else this.words.set(path, file.text);
      }
    }
    const files = this.reader.files();
    let chars = 0;
    for (let n = 0; n < Math.min(budget, files.length) && chars < charBudget; n++) {
      this.cursor = (this.cursor + 1) % files.length;
      const path = files[this.cursor];
      if (path !== undefined) chars += this.index(path);
    }
  }

  /** Indexed files that import the module `path` defines (by its module name), at most `limit`. */
  importersOf(path: string, limit: number): string[] {
    return this.importers.importersOf(path, limit);
  }

  /** Records a file's imports and the text they were read from. */
  private setModules(path: string, text: string, modules: ReadonlySet<string>): void {
    this.importers.set(path, modules);
    this.texts.set(path, text);
  }

  get size(): number {
    return this.texts.size;
  }

  /** The text a file had when last indexed. */
  textOf(path: string): string | undefined {
    return this.texts.get(path);
  }

  /** Reads a file's imports and words again if its text changed; returns how many characters were read. */
  private index(path: string): number {
    const text = this.reader.read(path);
    if (text === undefined) {
      this.importers.delete(path);
      this.texts.delete(path);
      this.words.delete(path);
      return 0;
    }
    if (this.texts.get(path) === text) return 0;
    this.setModules(path, text, importedModules(text));
    this.words.set(path, text);
    return text.length;
  }
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
