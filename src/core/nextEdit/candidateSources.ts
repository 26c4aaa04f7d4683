import { editIdentifiers, hasWord, isTelling, tokenize, type EditIdentifiers } from './editDiff';
import { applyToLine, type Transformation } from './transformation';
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
}

/** What the predictor derived from the last edit, shared by every file it searches. */
export interface EditEvidence {
  readonly edit: UserEdit;
  readonly ids: EditIdentifiers;
  /** Transformations of the recent edits, newest first. */
  readonly transformations: readonly Transformation[];
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
}

/** Every candidate line in one file's text. */
export function searchFile(
  path: string,
  lines: readonly string[],
  evidence: EditEvidence,
  options: SearchOptions,
): RawCandidate[] {
  const out: RawCandidate[] = [];
  const { ids, signatureOf, siblings } = evidence;
  const removed = ids.renamed ? [ids.renamed.from, ...ids.removed] : ids.removed;
  const weak = [...ids.context, ...ids.added].filter((id) => !removed.includes(id)).slice(0, 4);
  // The longest token a transformation needs: a cheap test before tokenizing a line.
  const anchors = evidence.transformations.map((t) =>
    [...t.removed, ...t.before, ...t.after].reduce((a, b) => (b.length > a.length ? b : a), ''),
  );
  const sibling = siblings && siblings.values.length > 0 ? new Set(siblings.values) : undefined;
  let lastSiblingCase = -1;
  const n = Math.min(lines.length, options.maxLines);
  for (let i = 0; i < n; i++) {
    const line = lines[i] ?? '';
    if (options.skip && i >= options.skip.start && i <= options.skip.end) continue;
    if (line.trim() === '') continue;
    const repeat = repeatAt(lines, i, evidence.transformations, anchors, options.skip);
    if (repeat) {
      out.push({ path, line: i, kind: 'repeat-pattern', reason: repeat.reason, match: 1, proposal: repeat.proposal });
      continue;
    }
    if (signatureOf && line.includes(signatureOf) && new RegExp(`\\b${escape(signatureOf)}\\s*\\(`).test(line)) {
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
    if (sibling) {
      const value = CASE_VALUE.exec(line)?.[1]?.trim();
      if (value !== undefined && sibling.has(value)) {
        lastSiblingCase = i;
        continue;
      }
      if (lastSiblingCase >= 0 && !CASE_VALUE.test(line)) {
        out.push({
          path,
          line: lastSiblingCase,
          kind: 'sibling-branch',
          reason: `a switch over the values next to ${siblings?.added} lacks it`,
          match: 1,
        });
        lastSiblingCase = -1;
      }
    }
    const context = weak.find((id) => line.includes(id) && hasWord(line, id));
    if (!context) {
      const shared = evidence.nearby.find((id) => line.includes(id) && hasWord(line, id));
      if (shared)
        out.push({ path, line: i, kind: 'occurrence', reason: `uses ${shared}, as the edited lines do`, match: 0.1 });
      continue;
    }
    {
      const call = new RegExp(`\\b${escape(context)}\\s*\\(`).test(line);
      out.push({
        path,
        line: i,
        kind: call ? 'call-site' : 'occurrence',
        reason: call ? `calls ${context}, as the edited line does` : `uses ${context}, as the edited line does`,
        match: ids.context.includes(context) ? 0.5 : 0.3,
      });
    }
  }
  return out;
}

function repeatAt(
  lines: readonly string[],
  i: number,
  transformations: readonly Transformation[],
  anchors: readonly string[],
  skip: SearchOptions['skip'],
): { proposal: ProposedEdit; reason: string } | undefined {
  const line = lines[i] ?? '';
  for (let k = 0; k < transformations.length; k++) {
    const t = transformations[k];
    const anchor = anchors[k];
    if (!t || !anchor || !line.includes(anchor)) continue;
    const first = applyToLine(t, line);
    if (first === undefined) continue;
    // The block of following lines the same change applies to becomes one proposal.
    const out = [first];
    let end = i;
    while (end + 1 < lines.length && out.length < 20) {
      if (skip && end + 1 >= skip.start && end + 1 <= skip.end) break;
      const next = applyToLine(t, lines[end + 1] ?? '');
      if (next === undefined) break;
      out.push(next);
      end++;
    }
    const what = t.removed.length > 0 ? `${t.removed.join('')} → ${t.addedText}` : `insert ${t.insertText.trim()}`;
    return { proposal: { lines: { start: i, end }, newText: out.join('\n') }, reason: `the same change (${what})` };
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
