import { definitionIn, evidenceOf, searchFile, withSiblings, type RawCandidate } from './candidateSources';
import { hasWord } from './editDiff';
import { EditRanker, type CandidateContext } from './editRanker';
import { IdentifierIndex, type FileIndex } from './identifierIndex';
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
  recentTransformations: 5,
  recentFiles: 4,
  perKindAndFile: 12,
  remembered: 200,
  indexedFiles: 64,
  indexedLines: 400_000,
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
  /** Features of recently shown candidates, so feedback trains on what the ranker saw. */
  private readonly shown = new Map<string, readonly number[]>();

  constructor(private readonly deps: NextEditDeps) {
    this.imports = new ImportIndex(deps.reader);
  }

  /** Candidates after the user's recent edits (newest last), best first, at most `limit`. */
  predict(recent: readonly UserEdit[], limit = 5, signal?: AbortSignal): EditCandidate[] {
    const last = recent[recent.length - 1];
    if (!last || signal?.aborted) return [];
    const text = this.deps.reader.read(last.path);
    if (text === undefined) return [];
    const file = this.index.of(last.path, text);
    const evidence = withSiblings(evidenceOf(last, this.transformations(recent)), file.fileLines);
    this.imports.refresh([last.path], LIMITS.indexBudget, (path) => (path === last.path ? file : undefined));

    const raw: RawCandidate[] = searchFile(last.path, file, evidence, {
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
    const names = this.names(evidence.ids, last);
    for (const path of others) {
      if (signal?.aborted) break;
      const other = this.deps.reader.read(path);
      if (other === undefined) continue;
      const otherFile = this.index.of(path, other);
      const found = searchFile(path, otherFile, evidence, { maxLines: LIMITS.linesPerFile });
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
    return this.rank(raw, last, { importers, coChanged, edited: new Set(edited) }, limit);
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

  private transformations(recent: readonly UserEdit[]): Transformation[] {
    const out: Transformation[] = [];
    const last = recent[recent.length - 1];
    const undo = last ? transformationOf(last.newText, last.oldText) : undefined;
    for (let i = recent.length - 1; i >= 0 && recent.length - i <= LIMITS.recentTransformations; i--) {
      const edit = recent[i];
      const t = edit ? transformationOf(edit.oldText, edit.newText) : undefined;
      // An older change that is the inverse of the last one would undo it.
      if (t && !(undo && JSON.stringify(t) === JSON.stringify(undo))) out.push(t);
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
    related: { importers: ReadonlySet<string>; coChanged: readonly string[]; edited: ReadonlySet<string> },
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
