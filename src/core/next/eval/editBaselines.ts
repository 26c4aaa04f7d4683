import { editIdentifiers, hasWord } from '../../nextEdit/editDiff';
import { NextEditPredictor } from '../../nextEdit/nextEditPredictor';
import type { EditCandidate, UserEdit, WorkspaceReader } from '../../nextEdit/types';
import type { EditPredictorUnderTest } from './nextEditEval';

/**
 * The next-edit predictors the replay scores: Ondi's, and DESIGN.md's two baselines, each as
 * plain as its name.
 */

/** The identifier an edit is about: the renamed or removed one, else the word next to the change, else an added one. */
export function lastEditedIdentifier(edit: UserEdit): string | undefined {
  const ids = editIdentifiers(edit.oldText, edit.newText);
  return ids.renamed?.from ?? ids.removed[0] ?? ids.context[0] ?? ids.added[0];
}

/** Files the baselines may scan for an identifier beyond the edited one. */
const MAX_FILES_SCANNED = 300;

/** The nearest other occurrences of the last edited identifier, this file first, then other files in listing order. */
export class OccurrenceBaseline implements EditPredictorUnderTest {
  readonly name = 'occurrence';
  readonly proposes = false;

  constructor(private readonly reader: WorkspaceReader) {}

  predict(recent: readonly UserEdit[], limit: number): EditCandidate[] {
    const edit = recent[recent.length - 1];
    const id = edit ? lastEditedIdentifier(edit) : undefined;
    if (!edit || !id) return [];
    const lines = (this.reader.read(edit.path) ?? '').split('\n');
    const here = lines
      .map((text, line) => ({ text, line }))
      .filter(({ text, line }) => (line < edit.after.start || line > edit.after.end) && hasWord(text, id))
      .sort((a, b) => Math.abs(a.line - edit.after.start) - Math.abs(b.line - edit.after.start))
      .slice(0, limit)
      .map(({ line }) => candidate(edit.path, line, id));
    const files = this.reader.files();
    for (let i = 0; i < files.length && i < MAX_FILES_SCANNED && here.length < limit; i++) {
      const path = files[i];
      if (path === undefined || path === edit.path) continue;
      const at = firstLine(this.reader.read(path), id);
      if (at !== undefined) here.push(candidate(path, at, id));
    }
    return here;
  }
}

/** The co-change model's top files, each at the first occurrence of the last edited identifier (else its first line). */
export class CoChangeEditBaseline implements EditPredictorUnderTest {
  readonly name = 'cochange';
  readonly proposes = false;

  constructor(
    private readonly reader: WorkspaceReader,
    private readonly coChange: (path: string) => readonly string[],
  ) {}

  predict(recent: readonly UserEdit[], limit: number): EditCandidate[] {
    const edit = recent[recent.length - 1];
    if (!edit) return [];
    const id = lastEditedIdentifier(edit);
    return this.coChange(edit.path)
      .filter((path) => path !== edit.path)
      .slice(0, limit)
      .map((path) => {
        const at = id === undefined ? undefined : firstLine(this.reader.read(path), id);
        return { path, line: at ?? 0, kind: 'co-change' as const, reason: `changes with ${edit.path}`, score: 0 };
      });
  }
}

/** Ondi's predictor under the replay, learning from its own hits and misses. */
export class OndiEditPredictor implements EditPredictorUnderTest {
  readonly name = 'ondi';
  readonly proposes = true;
  readonly predictor: NextEditPredictor;

  constructor(reader: WorkspaceReader, coChange: (path: string) => readonly string[]) {
    this.predictor = new NextEditPredictor({ reader, coChange });
  }

  predict(recent: readonly UserEdit[], limit: number): EditCandidate[] {
    return this.predictor.predict(recent, limit);
  }

  feedback(candidate: EditCandidate, taken: boolean): void {
    this.predictor.feedback(candidate, taken);
  }
}

function candidate(path: string, line: number, id: string): EditCandidate {
  return { path, line, kind: 'occurrence', reason: `uses ${id}`, score: 0 };
}

/** The first line holding `id` as a whole word, found without splitting the text into lines. */
function firstLine(text: string | undefined, id: string): number | undefined {
  if (text === undefined) return undefined;
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    if (!hasWord(text.slice(start, end < 0 ? text.length : end), id)) continue;
    let line = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
    return line;
  }
  return undefined;
}
