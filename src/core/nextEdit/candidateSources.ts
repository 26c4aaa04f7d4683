import {
  editIdentifiers,
  hasWord,
  isTelling,
  tokenize,
  type EditIdentifiers,
  type LineTokens,
  type Token,
} from './editDiff';
import type { FileIndex } from './identifierIndex';
import { applyToLine, mayApply, type Transformation } from './transformation';
import type { CandidateKind, ProposedEdit, UserEdit } from './types';

/**
 * Where the next edit may be, found from what the last edit touched: the lines of a file that
 * hold the identifier it renamed or retyped, the calls of a function whose parameters changed,
 * the lines the same transformation applies to (with the edited text), and the sibling
 * branches of a switch over the union it extended. Each finding keeps the evidence the ranker
 * weighs.
 */
export interface RawCandidate {
  readonly path: string;
  readonly line: number;
  readonly kind: CandidateKind;
  readonly reason: string;
  /** 0..1: how specific the evidence is (the removed identifier 1, a context word less). */
  readonly match: number;
  readonly proposal?: ProposedEdit;
  /** For a repeat: how many newer changes came after the one it repeats (0: the last edit's). */
  readonly age?: number;
}

/** What the predictor derived from the last edit, shared by every file it searches. */
export interface EditEvidence {
  readonly edit: UserEdit;
  readonly ids: EditIdentifiers;
  /** Transformations of the recent edits, newest first. */
  readonly transformations: readonly Transformation[];
  /** Whether the first transformation is the last edit's own (false: the last edit made none). */
  readonly lastFirst?: boolean;
  /** Function name whose parameter list the edit changed. */
  readonly signatureOf?: string;
  /** Telling identifiers anywhere in the edited lines, for the weakest evidence: lines that share them. */
  readonly nearby: readonly string[];
  /** Values of the union or switch the edit extended, and the value it added. */
  readonly siblings?: { readonly values: readonly string[]; readonly added: string };
}

const DEFINITION = [
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(([^)]*)/,
  /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\(([^)]*)/,
  /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(([^)]*)/,
  /^\s*(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(([^)]*)\)?\s*(?::[^{]*)?\{?\s*$/,
];

/** The function a line defines, with its parameter text, if it defines one. */
export function definitionIn(line: string): { name: string; params: string } | undefined {
  for (const pattern of DEFINITION) {
    const m = pattern.exec(line);
    if (m?.[1] && !/^(if|for|while|switch|catch|return|function)$/.test(m[1]))
      return { name: m[1], params: m[2] ?? '' };
  }
  return undefined;
}

export function evidenceOf(edit: UserEdit, transformations: readonly Transformation[]): EditEvidence {
  const ids = editIdentifiers(edit.oldText, edit.newText);
  const signatureOf = signatureChange(edit);
  const siblings = siblingValues(edit);
  const changed = new Set([...ids.removed, ...ids.added, ...ids.context, ...(ids.renamed ? [ids.renamed.from] : [])]);
  const nearby = [...new Set(tokenize(`${edit.oldText}\n${edit.newText}`).map((t) => t.text))]
    .filter((id) => isTelling(id) && id.length >= 4 && !changed.has(id))
    .slice(0, 8);
  return {
    edit,
    ids,
    nearby,
    transformations,
    ...(signatureOf !== undefined ? { signatureOf } : {}),
    ...(siblings !== undefined ? { siblings } : {}),
  };
}

function signatureChange(edit: UserEdit): string | undefined {
  const before = new Map<string, string>();
  for (const line of edit.oldText.split('\n')) {
    const d = definitionIn(line);
    if (d) before.set(d.name, d.params.replace(/\s+/g, ''));
  }
  for (const line of edit.newText.split('\n')) {
    const d = definitionIn(line);
    const old = d ? before.get(d.name) : undefined;
    if (d && old !== undefined && old !== d.params.replace(/\s+/g, '')) return d.name;
  }
  return undefined;
}

const CASE_VALUE = /^\s*case\s+([^:]+):/;
const UNION_VALUE = /^\s*\|\s*(['"][^'"]+['"]|[A-Za-z_$][\w$.]*)/;
const ENUM_VALUE = /^\s*([A-Z][A-Za-z0-9_]*)\s*(?:=\s*[^,]+)?,?\s*$/;

/** A union member, enum member or case the edit added, with its siblings from the edited file's lines. */
function siblingValues(edit: UserEdit): EditEvidence['siblings'] {
  if (edit.newText.split('\n').length > 8) return undefined;
  for (const line of edit.newText.split('\n')) {
    for (const pattern of [CASE_VALUE, UNION_VALUE, ENUM_VALUE]) {
      const added = pattern.exec(line)?.[1]?.trim();
      if (added && !edit.oldText.includes(added)) return { values: [], added };
    }
  }
  return undefined;
}

/** Fills in the sibling values from the lines around the edit (done once the file is read). */
export function withSiblings(evidence: EditEvidence, lines: readonly string[]): EditEvidence {
  if (!evidence.siblings) return evidence;
  const { after } = evidence.edit;
  const values: string[] = [];
  for (let i = Math.max(0, after.start - 12); i <= Math.min(lines.length - 1, after.end + 12); i++) {
    if (i >= after.start && i <= after.end) continue;
    const line = lines[i] ?? '';
    for (const pattern of [CASE_VALUE, UNION_VALUE, ENUM_VALUE]) {
      const v = pattern.exec(line)?.[1]?.trim();
      if (v && v !== evidence.siblings.added) values.push(v);
    }
  }
  return { ...evidence, siblings: { values: [...new Set(values)], added: evidence.siblings.added } };
}

export interface SearchOptions {
  /** Lines not to propose (the edit just made), in this file. */
  readonly skip?: { readonly start: number; readonly end: number };
  readonly maxLines: number;
  /** Tokens of lines scanned before (see LineTokens); without it each line is tokenized again. */
  readonly tokens?: LineTokens;
}

/** Every candidate line in one indexed file: the lines the evidence's words point at, checked one by one. */
export function searchFile(
  path: string,
  file: FileIndex,
  evidence: EditEvidence,
  options: SearchOptions,
): RawCandidate[] {
  const lines = file.fileLines;
  const n = Math.min(lines.length, options.maxLines);
  const at = new Set<number>();
  const add = (word: string) => {
    for (const line of file.linesWith(word)) if (line < n) at.add(line);
  };
  const { signatureOf } = evidence;
  for (const word of [...removedIds(evidence), ...weakIds(evidence), ...evidence.nearby]) add(word);
  if (signatureOf) add(signatureOf);
  for (const t of evidence.transformations) {
    // A line the change applies to holds all its anchor tokens: the rarest word among them finds it.
    const words = (t.removed.length > 0 ? t.removed : [...t.before, ...t.after]).filter((w) => WORD.test(w));
    const rarest = words.reduce<string | undefined>(
      (best, w) => (best === undefined || file.linesWith(w).length < file.linesWith(best).length ? w : best),
      undefined,
    );
    if (rarest !== undefined) add(rarest);
    else {
      // Punctuation only (`!==`, `...`): the index cannot narrow it; a substring test per line is cheap.
      const anchor = anchorOf(t);
      for (let i = 0; i < n; i++) if ((lines[i] ?? '').includes(anchor)) at.add(i);
    }
  }
  const out = searchLines(
    path,
    lines,
    [...at].sort((a, b) => a - b),
    evidence,
    options,
  );
  if (evidence.siblings && evidence.siblings.values.length > 0)
    out.push(...siblingCases(path, lines, file.linesWith('case'), evidence, options));
  return out;
}

/** The same search over every line of a text, without an index (the reference the index must match). */
export function scanLines(path: string, lines: readonly string[], evidence: EditEvidence, options: SearchOptions) {
  const n = Math.min(lines.length, options.maxLines);
  const all = Array.from({ length: n }, (_, i) => i);
  const out = searchLines(path, lines, all, evidence, options);
  if (evidence.siblings && evidence.siblings.values.length > 0)
    out.push(...siblingCases(path, lines, all, evidence, options));
  return out;
}

const WORD = /^[A-Za-z_$][\w$]*$/;

function removedIds(evidence: EditEvidence): string[] {
  const { ids } = evidence;
  return ids.renamed ? [ids.renamed.from, ...ids.removed] : [...ids.removed];
}

function weakIds(evidence: EditEvidence): string[] {
  const removed = removedIds(evidence);
  return [...evidence.ids.context, ...evidence.ids.added].filter((id) => !removed.includes(id)).slice(0, 4);
}

/** The longest token a transformation needs: a cheap test before tokenizing a line. */
export function anchorOf(t: Transformation): string {
  return [...t.removed, ...t.before, ...t.after].reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** The rules, in order of specificity, applied to the given lines (ascending) of a file. */
function searchLines(
  path: string,
  lines: readonly string[],
  at: readonly number[],
  evidence: EditEvidence,
  options: SearchOptions,
): RawCandidate[] {
  const out: RawCandidate[] = [];
  const { ids, signatureOf } = evidence;
  const removed = removedIds(evidence);
  const weak = weakIds(evidence);
  const anchors = evidence.transformations.map(anchorOf);
  const call = signatureOf ? new RegExp(`\\b${escape(signatureOf)}\\s*\\(`) : undefined;
  // one pattern per identifier, not one per line: a common word can hold thousands of lines
  const callPatterns = new Map<string, RegExp>();
  const callOf = (id: string): RegExp => {
    let pattern = callPatterns.get(id);
    if (!pattern) callPatterns.set(id, (pattern = new RegExp(`\\b${escape(id)}\\s*\\(`)));
    return pattern;
  };
  for (const i of at) {
    const line = lines[i] ?? '';
    if (options.skip && i >= options.skip.start && i <= options.skip.end) continue;
    if (line.trim() === '') continue;
    const repeat = repeatAt(lines, i, evidence.transformations, anchors, options);
    if (repeat) {
      out.push({
        path,
        line: i,
        kind: 'repeat-pattern',
        reason: repeat.reason,
        match: 1,
        proposal: repeat.proposal,
        age: repeat.age + (evidence.lastFirst === false ? 1 : 0),
      });
      continue;
    }
    if (signatureOf && call && line.includes(signatureOf) && call.test(line)) {
      if (!definitionIn(line) || definitionIn(line)?.name !== signatureOf) {
        out.push({
          path,
          line: i,
          kind: 'call-site',
          reason: `calls ${signatureOf}, whose parameters changed`,
          match: 1,
        });
        continue;
      }
    }
    const strong = removed.find((id) => line.includes(id) && hasWord(line, id));
    if (strong) {
      const why = ids.renamed
        ? `still uses ${strong}, renamed to ${ids.renamed.to}`
        : `uses ${strong}, which the edit removed`;
      out.push({ path, line: i, kind: 'occurrence', reason: why, match: 1 });
      continue;
    }
    const context = weak.find((id) => line.includes(id) && hasWord(line, id));
    if (!context) {
      const shared = evidence.nearby.find((id) => line.includes(id) && hasWord(line, id));
      if (shared)
        out.push({ path, line: i, kind: 'occurrence', reason: `uses ${shared}, as the edited lines do`, match: 0.1 });
      continue;
    }
    const calls = callOf(context).test(line);
    out.push({
      path,
      line: i,
      kind: calls ? 'call-site' : 'occurrence',
      reason: calls ? `calls ${context}, as the edited line does` : `uses ${context}, as the edited line does`,
      match: ids.context.includes(context) ? 0.5 : 0.3,
    });
  }
  return out;
}

/** The last case of a run over the values next to the added one: a branch the added value lacks. */
function siblingCases(
  path: string,
  lines: readonly string[],
  at: readonly number[],
  evidence: EditEvidence,
  options: SearchOptions,
): RawCandidate[] {
  const siblings = evidence.siblings;
  if (!siblings) return [];
  const values = new Set(siblings.values);
  const isSibling = (line: string) => {
    const value = CASE_VALUE.exec(line)?.[1]?.trim();
    return value !== undefined && values.has(value);
  };
  const out: RawCandidate[] = [];
  for (const i of at) {
    if (options.skip && i >= options.skip.start && i <= options.skip.end) continue;
    if (!isSibling(lines[i] ?? '')) continue;
    let next = i + 1;
    while (next < lines.length && (lines[next] ?? '').trim() === '') next++;
    if (next < lines.length && isSibling(lines[next] ?? '')) continue;
    out.push({
      path,
      line: i,
      kind: 'sibling-branch',
      reason: `a switch over the values next to ${siblings.added} lacks it`,
      match: 1,
    });
  }
  return out;
}

function repeatAt(
  lines: readonly string[],
  i: number,
  transformations: readonly Transformation[],
  anchors: readonly string[],
  { skip, tokens }: SearchOptions,
): { proposal: ProposedEdit; reason: string; age: number } | undefined {
  const line = lines[i] ?? '';
  const tokensOf = (text: string): readonly Token[] => tokens?.of(text) ?? tokenize(text);
  for (let k = 0; k < transformations.length; k++) {
    const t = transformations[k];
    const anchor = anchors[k];
    if (!t || !anchor || !line.includes(anchor) || !mayApply(t, line)) continue;
    const first = applyToLine(t, line, tokensOf(line));
    if (first === undefined) continue;
    // The block of following lines the same change applies to becomes one proposal.
    const out = [first];
    let end = i;
    while (end + 1 < lines.length && out.length < 20) {
      if (skip && end + 1 >= skip.start && end + 1 <= skip.end) break;
      const following = lines[end + 1] ?? '';
      const next = mayApply(t, following) ? applyToLine(t, following, tokensOf(following)) : undefined;
      if (next === undefined) break;
      out.push(next);
      end++;
    }
    const what = t.removed.length > 0 ? `${t.removed.join('')} → ${t.addedText}` : `insert ${t.insertText.trim()}`;
    return {
      proposal: { lines: { start: i, end }, newText: out.join('\n') },
      reason: `the same change (${what})`,
      age: k,
    };
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
