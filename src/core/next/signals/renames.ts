import { pathParts } from '../learners/pathStructure';

/**
 * Which deleted files of one change reappear under a new path in the same change (a rename,
 * a move, a new extension: CHANGES.rst -> CHANGES.md, index.js -> source/index.ts), so what
 * was learned about the old path carries over. Git's rename detection is off (DESIGN.md), and
 * the workspace only reports deletions and creations, so a rename is matched by name: the same
 * stem and test role, and only where the match is one to one.
 */
export function findRenames(deleted: readonly string[], added: readonly string[]): [from: string, to: string][] {
  const key = (file: string): string => {
    const { stem, isTest } = pathParts(file);
    return `${isTest ? 'test' : 'source'}:${stem}`;
  };
  const renames: [string, string][] = [];
  for (const from of deleted) {
    const wanted = key(from);
    const targets = added.filter((to) => key(to) === wanted);
    const sources = deleted.filter((other) => key(other) === wanted);
    const [to] = targets;
    if (to !== undefined && targets.length === 1 && sources.length === 1) renames.push([from, to]);
  }
  return renames;
}
