import {
  anchorOf,
  definitionIn,
  evidenceOf,
  searchFile,
  withSiblings,
  type EditEvidence,
  type RawCandidate,
} from './candidateSources';
import { hasWord, isTelling, LineTokens } from './editDiff';
import { EditRanker, type CandidateContext } from './editRanker';
import { IdentifierIndex, type FileIndex } from './identifierIndex';
import {
  changedWords,
  importedModules,
  MAX_IMPORTERS,
  MAX_WORD_FILES,
  NO_LINKS,
  scoreSharedWords,
  type FileLinks,
} from './fileLinks';
import { ImportIndex, TestFiles } from './relatedFiles';
import { transformationOf, type Transformation } from './transformation';
import type { EditCandidate, UserEdit, WorkspaceReader } from './types';

export interface NextEditDeps {
  readonly reader: WorkspaceReader;
  /** Files that change with `path`, best first. */
  readonly coChange?: (path: string) => readonly string[];
}

/** Bounds that keep one prediction within a few milliseconds on a large workspace. */
const LIMITS = {
  importers: 8,
  coChanged: 4,
  linesPerFile: 8000,
  indexBudget: 16,
  /** ...and at most this much of their text, so a run of large files does not make a slow prediction. */
  indexChars: 400_000,
  recentTransformations: 5,
  recentFiles: 4,
  perKindAndFile: 12,
  remembered: 200,
  indexedFiles: 256,
  indexedLines: 400_000,
  /** Distinct changes remembered beyond the recent edits the caller passes. */
  rememberedChanges: 8,
  /** Files beyond the related ones searched because they hold the changed words. */
  wordFiles: 8,
  /** An edit with more text than this replaced a file wholesale (a build, a generated file): no evidence. */
  editChars: 100_000,
};

/**
 * Predicts where the user edits next, and what, from the edits just made: candidates come from
 * the evidence of the last edit (see candidateSources.ts) in the edited file, the files that
 * import it, its test file and the files that usually change with it; the learned ranker
 * (editRanker.ts) orders them. Nothing leaves the device; it reads only what the reader gives.
 */
export class NextEditPredictor {
  private readonly ranker = new EditRanker();
  private readonly imports: ImportIndex;
  /** Words to lines of the files searched lately, kept current with the edits. */
  private readonly index = new IdentifierIndex({ files: LIMITS.indexedFiles, lines: LIMITS.indexedLines });
  private readonly tests = new TestFiles();
  private readonly lineTokens = new LineTokens();
  /** The distinct changes of the edits seen lately (least recent first), how often and when last made. */
  private readonly changes = new Map<string, { t: Transformation; count: number; at: number }>();
  private readonly seenEdits = new Set<string>();
  private editCount = 0;
  /** Features of recently shown candidates, so feedback trains on what the ranker saw. */
  private readonly shown = new Map<string, readonly number[]>();

  constructor(private readonly deps: NextEditDeps) {
    this.imports = new ImportIndex(deps.reader);
  }

  /**
   * What the code says about `path` after the user's `recent` edits (see FileLinks), from the
   * files indexed so far: the next-file ranker weighs it with the co-change history.
   */
  linksOf(path: string, recent: readonly UserEdit[]): FileLinks {
    const text = this.deps.reader.read(path);
    if (text === undefined) return NO_LINKS;
    const imports = importedModules(text);
    const own = recent.filter((edit) => edit.path === path);
    const before = new Set(own.flatMap((edit) => [...importedModules(edit.oldText)]));
    const added = new Set(
      own.flatMap((edit) => [...importedModules(edit.newText)]).filter((m) => imports.has(m) && !before.has(m)),
    );
    const words = [...new Set(own.flatMap((edit) => changedWords(edit.oldText, edit.newText)))];
    return {
      imports,
      added,
      importers: new Set(this.imports.importersOf(path, MAX_IMPORTERS)),
      sharedWords: scoreSharedWords(path, words, (word) => {
        const maybe = this.imports.words.filesWith(word);
        // too common either way: the scorer skips it, so its texts need no check
        if (maybe.length > 2 * MAX_WORD_FILES) return maybe;
        return maybe.filter((file) => hasWordIn(this.imports.textOf(file), word));
      }),
    };
  }

  /** Candidates after the user's recent edits (newest last), best first, at most `limit`. */
  predict(edits: readonly UserEdit[], limit = 5, signal?: AbortSignal): EditCandidate[] {
    const recent = edits.filter((edit) => edit.oldText.length + edit.newText.length <= LIMITS.editChars);
    const last = recent[recent.length - 1];
    if (!last || last !== edits[edits.length - 1] || signal?.aborted) return [];
    const text = this.deps.reader.read(last.path);
    if (text === undefined) return [];
    const file = this.index.of(last.path, text);
    const { transformations, repetitive, lastFirst } = this.transformations(recent);
    const evidence = withSiblings({ ...evidenceOf(last, transformations), lastFirst }, file.fileLines);
    this.imports.refresh(
      [last.path],
      LIMITS.indexBudget,
      (path) => (path === last.path ? file : undefined),
      LIMITS.indexChars,
    );

    const raw: RawCandidate[] = searchFile(last.path, file, evidence, {
      tokens: this.lineTokens,
      skip: last.after,
      maxLines: LIMITS.linesPerFile,
    });
    const importers = new Set(this.imports.importersOf(last.path, LIMITS.importers));
    const coChanged = (this.deps.coChange?.(last.path) ?? []).filter((p) => p !== last.path).slice(0, LIMITS.coChanged);
    const test = this.tests.of(last.path, this.deps.reader.files());
    const edited = [...new Set(recent.map((e) => e.path).reverse())]
      .filter((p) => p !== last.path)
      .slice(0, LIMITS.recentFiles);
    const others = new Set([...edited, ...importers, ...coChanged, ...(test ? [test] : [])]);
    const byWord = this.filesWithWords(last.path, evidence, others);
    for (const path of byWord) others.add(path);
    const names = this.names(evidence.ids, last);
    for (const path of others) {
      if (signal?.aborted) break;
      const other = this.deps.reader.read(path);
      if (other === undefined) continue;
      const otherFile = this.index.of(path, other);
      const found = searchFile(path, otherFile, evidence, { maxLines: LIMITS.linesPerFile, tokens: this.lineTokens });
      raw.push(...found);
      if (found.length > 0) continue;
      const kind = path === test ? 'test-file' : coChanged.includes(path) ? 'co-change' : undefined;
      if (!kind) continue;
      const at = firstLineWith(otherFile, names);
      if (at !== undefined)
        raw.push({
          path,
          line: at.line,
          kind,
          reason: kind === 'test-file' ? `tests ${at.name}` : `changes with ${last.path}, uses ${at.name}`,
          match: 0.3,
        });
    }
    return this.rank(
      raw,
      last,
      { importers, coChanged, edited: new Set(edited), repetitive, byWord: new Set(byWord) },
      limit,
    );
  }

  /** The user jumped to / applied (true) or ignored/dismissed (false) a shown candidate. */
  feedback(candidate: EditCandidate, taken: boolean): void {
    const features = this.shown.get(keyOf(candidate));
    if (!features) return;
    this.ranker.learn(features, candidate.kind, candidate.path, taken);
  }

  /** The ranker's features and weights, for inspection (JSON-able). */
  inspect(): unknown {
    return {
      ...this.ranker.inspect(),
      indexedFiles: this.imports.size,
      wordIndex: { files: this.index.size, lines: this.index.lineCount },
    };
  }

  /**
   * The changes of the recent edits, newest first, then the earlier changes made at least twice
   * (a change repeated across a commit often spans more edits than the caller keeps); never the
   * inverse of the last edit. `repetitive`: the last edit repeated an earlier change.
   */
  private transformations(recent: readonly UserEdit[]): {
    transformations: Transformation[];
    repetitive: boolean;
    lastFirst: boolean;
  } {
    // Count each edit once, however many predictions it stays among the recent ones for.
    for (const edit of recent) {
      const id = `${edit.path}\n${edit.before.start}\n${edit.time}\n${edit.oldText}\n${edit.newText}`;
      if (this.seenEdits.has(id)) continue;
      this.seenEdits.add(id);
      this.editCount++;
      const t = transformationOf(edit.oldText, edit.newText);
      if (!t || !specific(t)) continue;
      const key = JSON.stringify(t);
      const known = this.changes.get(key);
      this.changes.delete(key);
      this.changes.set(key, { t, count: (known?.count ?? 0) + 1, at: this.editCount });
    }
    while (this.seenEdits.size > LIMITS.remembered)
      this.seenEdits.delete(this.seenEdits.values().next().value as string);
    while (this.changes.size > LIMITS.rememberedChanges)
      this.changes.delete(this.changes.keys().next().value as string);

    const last = recent[recent.length - 1];
    const undo = last ? transformationOf(last.newText, last.oldText) : undefined;
    const undoKey = undo ? JSON.stringify(undo) : undefined;
    const keys: string[] = [];
    for (let i = recent.length - 1; i >= 0 && recent.length - i <= LIMITS.recentTransformations; i--) {
      const edit = recent[i];
      const t = edit ? transformationOf(edit.oldText, edit.newText) : undefined;
      // An older change that is the inverse of the last one would undo it.
      if (t && specific(t) && JSON.stringify(t) !== undoKey) keys.push(JSON.stringify(t));
    }
    const lastT = last ? transformationOf(last.oldText, last.newText) : undefined;
    const repetitive = lastT !== undefined && (this.changes.get(JSON.stringify(lastT))?.count ?? 0) >= 2;
    const older = [...this.changes.entries()]
      .filter(([key, c]) => c.count >= 2 && key !== undoKey)
      .sort((a, b) => b[1].at - a[1].at)
      .map(([key]) => key);
    const ordered = [...new Set([...keys, ...older])];
    const transformations = ordered.map((key) => this.changes.get(key)?.t ?? (JSON.parse(key) as Transformation));
    // Whether the first change is the last edit's own (a repeat of it is the likeliest).
    const lastFirst = lastT !== undefined && ordered[0] === JSON.stringify(lastT);
    return { transformations, repetitive, lastFirst };
  }

  /** Workspace files that hold the words the change needs or the edit removed, nearest in the tree first. */
  private filesWithWords(path: string, evidence: EditEvidence, searched: ReadonlySet<string>): string[] {
    const words = [
      ...evidence.transformations.slice(0, 3).map(anchorOf),
      ...(evidence.ids.renamed ? [evidence.ids.renamed.from] : []),
      ...evidence.ids.removed.slice(0, 2),
    ].filter((w, i, all) => isTelling(w) && all.indexOf(w) === i);
    const out: string[] = [];
    for (const word of words) {
      // Nearest in the tree first; a file's text is checked only until enough are found.
      const found = this.imports.words
        .filesWith(word)
        .filter((p) => p !== path && !searched.has(p) && !out.includes(p))
        .map((p) => ({ p, shared: sharedPrefix(p, path) }))
        .sort((a, b) => b.shared - a.shared || a.p.localeCompare(b.p));
      for (const { p } of found) {
        if (out.length >= LIMITS.wordFiles) return out;
        if (hasWordIn(this.imports.textOf(p), word)) out.push(p);
      }
    }
    return out;
  }

  /** Names a test or co-changed file would mention: the defined function, then the changed identifiers. */
  private names(ids: ReturnType<typeof evidenceOf>['ids'], edit: UserEdit): string[] {
    const defined = edit.newText
      .split('\n')
      .map((line) => definitionIn(line)?.name)
      .filter((name): name is string => name !== undefined);
    return [...new Set([...defined, ...(ids.renamed ? [ids.renamed.from] : []), ...ids.removed, ...ids.context])];
  }

  private rank(
    raw: readonly RawCandidate[],
    edit: UserEdit,
    related: {
      importers: ReadonlySet<string>;
      coChanged: readonly string[];
      edited: ReadonlySet<string>;
      repetitive: boolean;
      byWord: ReadonlySet<string>;
    },
    limit: number,
  ): EditCandidate[] {
    // Per file and kind: how many, and each one's rank by distance from the edit.
    const groups = new Map<string, RawCandidate[]>();
    for (const c of raw) {
      const key = `${c.path}\n${c.kind}`;
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
    const best = new Map<string, { candidate: EditCandidate; features: number[] }>();
    for (const group of groups.values()) {
      // The nearest few of a kind in a file are all the ranker needs to see.
      const ordered = [...group]
        .sort((a, b) => distanceOf(a, edit) - distanceOf(b, edit))
        .slice(0, LIMITS.perKindAndFile);
      ordered.forEach((c, kindRank) => {
        const rank = related.coChanged.indexOf(c.path);
        const context: CandidateContext = {
          importer: related.importers.has(c.path),
          editedRecently: related.edited.has(c.path),
          ...(rank >= 0 ? { coChangeRank: rank } : {}),
          kindCount: group.length,
          kindRank,
          repetitive: related.repetitive,
          byWord: related.byWord.has(c.path),
        };
        const features = this.ranker.features(c, edit, context);
        const candidate: EditCandidate = {
          path: c.path,
          line: c.line,
          kind: c.kind,
          reason: c.reason,
          score: this.ranker.score(features),
          ...(c.proposal ? { proposal: c.proposal } : {}),
        };
        const at = `${c.path}\n${c.line}`;
        const known = best.get(at);
        if (!known || known.candidate.score < candidate.score) best.set(at, { candidate, features });
      });
    }
    const top = [...best.values()]
      .sort((a, b) => b.candidate.score - a.candidate.score || a.candidate.line - b.candidate.line)
      .slice(0, limit);
    for (const { candidate, features } of top) this.shown.set(keyOf(candidate), features);
    while (this.shown.size > LIMITS.remembered) {
      const oldest = this.shown.keys().next().value;
      if (oldest === undefined) break;
      this.shown.delete(oldest);
    }
    return top.map((entry) => entry.candidate);
  }
}

function distanceOf(c: RawCandidate, edit: UserEdit): number {
  return c.path === edit.path ? Math.abs(c.line - edit.after.start) : c.line;
}

/** A change specific enough to propose elsewhere: not the mere deletion of a short word. */
function specific(t: Transformation): boolean {
  if (t.removed.length === 0) return true;
  return !(t.addedText.trim() === '' && t.removed.join('').length < 4);
}

function hasWordIn(text: string | undefined, word: string): boolean {
  if (text === undefined) return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = at > 0 ? (text[at - 1] as string) : ' ';
    const after = text[at + word.length] ?? ' ';
    if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return true;
  }
  return false;
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function keyOf(c: EditCandidate): string {
  return `${c.path}\n${c.line}\n${c.kind}`;
}

function firstLineWith(file: FileIndex, names: readonly string[]): { line: number; name: string } | undefined {
  for (const name of names) {
    const line = file.linesWith(name).find((i) => hasWord(file.fileLines[i] ?? '', name));
    if (line !== undefined) return { line, name };
  }
  return undefined;
}
