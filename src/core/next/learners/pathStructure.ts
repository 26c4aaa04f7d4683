/**
 * What a path's shape says about how files relate, before any history exists: a source file
 * and its test, files in the same folder, files whose names share words.
 */

const TEST_FOLDERS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'testing']);
/** Module files named after their role, not their subject: their folder names the subject. */
const ROLE_NAMES = new Set(['index', '__init__', 'mod', 'main']);
/** Folders that say where code lives rather than what it is about. */
const PLACE_FOLDERS = new Set(['', 'src', 'source', 'sources', 'lib', 'app', 'dist', 'pkg', ...TEST_FOLDERS]);

export interface PathParts {
  readonly dir: string;
  readonly base: string;
  /** The extension with its dot, e.g. ".ts" (".d.ts" counts as one). */
  readonly ext: string;
  /**
   * The name without test markers and extension: "foo" for foo.test.ts, test_foo.py,
   * FooTest.java; for a file named after its role, its folder: "foo" for examples/foo/index.js.
   */
  readonly stem: string;
  readonly isTest: boolean;
}

export function pathParts(path: string): PathParts {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const base = path.slice(slash + 1);
  const extMatch = /(\.d\.ts|\.[^.]+)$/.exec(base);
  const ext = extMatch && extMatch.index > 0 ? (extMatch[1] ?? '') : '';
  let name = base.slice(0, base.length - ext.length);
  let isTest = dir.split('/').some((segment) => TEST_FOLDERS.has(segment.toLowerCase()));
  const suffix = /^(.+)[._-](?:test|spec)s?$/i.exec(name);
  const prefix = /^(?:test|spec)s?[._-](.+)$/i.exec(name);
  const camel = /^(.+?)(?:Test|Tests|Spec)$/.exec(name);
  const marked = suffix?.[1] ?? prefix?.[1] ?? camel?.[1];
  if (marked !== undefined) {
    name = marked;
    isTest = true;
  }
  let stem = name.toLowerCase();
  if (ROLE_NAMES.has(stem)) {
    const folder = dir.slice(dir.lastIndexOf('/') + 1).toLowerCase();
    if (!PLACE_FOLDERS.has(folder)) stem = folder;
  }
  return { dir, base, ext, stem, isTest };
}

/** The glob-like family a file belongs to, for patterns and reasons: "*.test.ts", "*.py". */
export function fileKind(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const testSuffix = /\.(test|spec)(\.d)?\.[^.]+$/i.exec(base);
  if (testSuffix) return `*${testSuffix[0]}`;
  if (/^test_.+\.py$/i.test(base)) return 'test_*.py';
  const ext = /(\.d\.ts|\.[^.]+)$/.exec(base);
  return ext && ext.index > 0 ? `*${ext[0]}` : base;
}

/** True when one path is a test and the other the code it tests (same stem, different roles). */
export function isTestPair(a: string, b: string): boolean {
  const pa = pathParts(a);
  const pb = pathParts(b);
  return pa.isTest !== pb.isTest && pa.stem === pb.stem && namesSubject(pa.stem);
}

/** False for stems that say nothing about what a file is about ("", "index", "__init__"). */
export function namesSubject(stem: string): boolean {
  return stem !== '' && !ROLE_NAMES.has(stem);
}

/** Share of leading folders two paths have in common (1 = same folder). */
export function folderSimilarity(a: string, b: string): number {
  const da = a.split('/').slice(0, -1);
  const db = b.split('/').slice(0, -1);
  const depth = Math.max(da.length, db.length);
  if (depth === 0) return 1;
  let shared = 0;
  while (shared < depth && da[shared] === db[shared]) shared++;
  return shared / depth;
}

/** Jaccard overlap of the words in two file names (camelCase, snake_case, kebab-case split). */
export function nameSimilarity(a: string, b: string): number {
  const wa = nameWords(a);
  const wb = nameWords(b);
  if (wa.size === 0 || wb.size === 0) return 0;
  let both = 0;
  for (const word of wa) if (wb.has(word)) both++;
  return both / (wa.size + wb.size - both);
}

const NOISE_WORDS = new Set(['test', 'tests', 'spec', 'index', 'd', 'ts', 'js', 'py', 'src', 'lib']);

function nameWords(path: string): Set<string> {
  const { stem } = pathParts(path);
  const original = path.slice(path.lastIndexOf('/') + 1);
  const words = original
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !NOISE_WORDS.has(word));
  if (stem) words.push(stem);
  return new Set(words);
}
