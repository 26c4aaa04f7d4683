import { seededRandom } from '../../eval/lineSamples';
import { repeats, transformationOf } from '../../nextEdit/transformation';
import type { EditCandidate, UserEdit, WorkspaceReader } from '../../nextEdit/types';
import type { CommitHunks, Hunk } from './commitHunks';

/**
 * The "Next edit" protocol of DESIGN.md: each commit's hunks are applied in a seeded random
 * order as if a user typed them; after each one (while others remain) every predictor says
 * where the next edit is. A hit is the right file and a line inside a hunk not yet applied, or
 * within 2 lines of it, in the file as it stands then.
 */
export interface EditPredictorUnderTest {
  readonly name: string;
  /** Whether it proposes edited text (content_em is null for one that does not). */
  readonly proposes: boolean;
  predict(recent: readonly UserEdit[], limit: number): EditCandidate[];
  /** Told whether each shown candidate was right, as a user's jump or dismissal would. */
  feedback?(candidate: EditCandidate, taken: boolean): void;
}

export interface EditScores {
  readonly hit1: number;
  readonly hit3: number;
  /**
   * Before each repeated hunk: percent of times a top-3 candidate pointed at a repeated hunk
   * still to come (that one or another, as a location hit does) and proposed exactly its
   * text; null without proposals or repeats.
   */
  readonly content_em: number | null;
  /** Percent of predictions whose top candidate would undo the edit just made. */
  readonly reversals: number;
}

export interface EditReplayResult {
  /** Questions asked: applied hunks after which another hunk of the commit remained. */
  readonly hunks: number;
  /** Hunks that repeated an earlier hunk's transformation in the same commit. */
  readonly repeated: number;
  /**
   * content_em held to the one hunk the replay applies next (the stricter reading: with N
   * repeats still to come, a top 3 holds that one about 3 times in N).
   */
  readonly contentEmNextHunk: Readonly<Record<string, number | null>>;
  readonly scores: Readonly<Record<string, EditScores>>;
  /** Milliseconds per prediction of each predictor, not counting reads of files out of git. */
  readonly latency: Readonly<Record<string, { readonly p50: number; readonly p95: number }>>;
  /**
   * CPU milliseconds per prediction (the process's, reads out of git set aside): the cost
   * without the time spent waiting for a core on a loaded machine.
   */
  readonly cpu: Readonly<Record<string, { readonly p50: number; readonly p95: number }>>;
}

/** The repository at the commit's parent: a listing and lazy reads (see gitTree.ts). */
export interface TreeSource {
  checkout(rev: string): void;
  files(): readonly string[];
  has(path: string): boolean;
  read(path: string): string | undefined;
  /** Whether reading `path` is served from memory (no git call to time). */
  isCached?(path: string): boolean;
}

/** The workspace a predictor sees during the replay: the parent's files with the hunks applied so far. */
export class ReplayWorkspace implements WorkspaceReader {
  readonly edited = new Map<string, string[]>();
  /** Milliseconds spent reading files out of git (an editor reads them from memory or disk). */
  readMs = 0;
  /** CPU milliseconds of this process spent on those reads. */
  readCpuMs = 0;

  constructor(private readonly tree: TreeSource) {}

  read(path: string): string | undefined {
    const lines = this.edited.get(path);
    if (lines) return lines.join('\n');
    if (this.tree.isCached?.(path)) return this.tree.read(path);
    const started = performance.now();
    const cpu = process.cpuUsage();
    try {
      return this.tree.read(path);
    } finally {
      this.readMs += performance.now() - started;
      this.readCpuMs += cpuMs(process.cpuUsage(cpu));
    }
  }

  files(): readonly string[] {
    return this.tree.files();
  }
}

export interface EditReplayOptions {
  readonly seed: number;
  /** Called before a commit is replayed and after it (for learners of the history, e.g. co-change). */
  readonly beforeCommit?: (hash: string) => void;
  readonly afterCommit?: (hash: string) => void;
  readonly progress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** Each question: the edit just made, a predictor's answer and the hunks still to come (for studying misses). */
  readonly onQuestion?: (seen: {
    readonly predictor: string;
    readonly edit: UserEdit;
    readonly top: readonly EditCandidate[];
    readonly remaining: readonly { readonly hunk: Hunk; readonly line: number }[];
  }) => void;
  /** Each repeated hunk with what a predictor proposed before it (for studying the misses). */
  readonly onRepeated?: (seen: RepeatedHunk) => void;
}

export interface RepeatedHunk {
  readonly predictor: string;
  readonly hunk: Hunk;
  /** Where the hunk starts now (0-based). */
  readonly line: number;
  /** The top candidates shown before the hunk was applied. */
  readonly top: readonly EditCandidate[];
  readonly exact: boolean;
}

interface Placed {
  readonly hunk: Hunk;
  /** 0-based line in the parent file where the hunk starts (its insertion point when it adds only). */
  readonly origin: number;
  readonly order: number;
  applied: boolean;
}

const RECENT = 5;

export function replayNextEdit(
  commits: readonly CommitHunks[],
  tree: TreeSource,
  workspace: ReplayWorkspace,
  predictors: readonly EditPredictorUnderTest[],
  options: EditReplayOptions,
): EditReplayResult {
  const rand = seededRandom(options.seed);
  const totals = new Map(
    predictors.map((p) => [
      p.name,
      { hit1: 0, hit3: 0, em: 0, emNext: 0, reversals: 0, ms: [] as number[], cpu: [] as number[] },
    ]),
  );
  let questions = 0;
  let repeated = 0;
  commits.forEach((commit, index) => {
    if (options.signal?.aborted) return;
    options.beforeCommit?.(commit.hash);
    tree.checkout(`${commit.hash}^`);
    workspace.edited.clear();
    const placed = placeHunks(commit.hunks, tree, workspace);
    if (placed.length >= 2) {
      const order = shuffle(placed, rand);
      const recent: UserEdit[] = [];
      let previous = new Map<string, EditCandidate[]>();
      for (let step = 0; step < order.length; step++) {
        const next = order[step] as Placed;
        // content_em: the prediction made before this hunk, if it repeats an earlier one's change.
        const done = order.slice(0, step);
        if (step > 0 && isRepeat(next, done)) {
          repeated++;
          const laterRepeats = order.slice(step + 1).filter((h) => isRepeat(h, done));
          for (const p of predictors) {
            if (!p.proposes) continue;
            const total = totals.get(p.name);
            const top = previous.get(p.name) ?? [];
            const exact = exactProposal(top, next, placed, workspace);
            if (total && exact) total.emNext++;
            if (total && (exact || laterRepeats.some((h) => exactProposal(top, h, placed, workspace)))) total.em++;
            options.onRepeated?.({ predictor: p.name, hunk: next.hunk, line: positionOf(next, placed), top, exact });
          }
        }
        const edit = apply(next, placed, workspace);
        recent.push(edit);
        if (recent.length > RECENT) recent.shift();
        previous = new Map();
        if (step === order.length - 1) break;
        questions++;
        const remaining = placed.filter((h) => !h.applied);
        for (const p of predictors) {
          const readBefore = workspace.readMs;
          const readCpuBefore = workspace.readCpuMs;
          const cpu = process.cpuUsage();
          const started = performance.now();
          const top = p.predict(recent, 5);
          const wall = performance.now() - started;
          const used = cpuMs(process.cpuUsage(cpu));
          const total = totals.get(p.name);
          if (!total) continue;
          total.ms.push(wall - (workspace.readMs - readBefore));
          total.cpu.push(Math.max(0, used - (workspace.readCpuMs - readCpuBefore)));
          previous.set(p.name, top);
          options.onQuestion?.({
            predictor: p.name,
            edit,
            top,
            remaining: remaining.map((h) => ({ hunk: h.hunk, line: positionOf(h, placed) })),
          });
          const hit = (c: EditCandidate) => remaining.some((h) => near(c, h, placed));
          if (top.slice(0, 1).some(hit)) total.hit1++;
          if (top.slice(0, 3).some(hit)) total.hit3++;
          const first = top[0];
          if (first && undoes(first, edit, workspace)) total.reversals++;
          if (p.feedback) for (const c of top) p.feedback(c, hit(c));
        }
      }
    }
    options.afterCommit?.(commit.hash);
    if (options.progress && (index + 1) % 25 === 0) options.progress(index + 1, commits.length);
  });
  const pct = (value: number, of: number) => (of === 0 ? 0 : Math.round((1000 * value) / of) / 10);
  const scores: Record<string, EditScores> = {};
  const latency: Record<string, { p50: number; p95: number }> = {};
  const cpu: Record<string, { p50: number; p95: number }> = {};
  const contentEmNextHunk: Record<string, number | null> = {};
  for (const p of predictors) {
    const total = totals.get(p.name);
    if (!total) continue;
    scores[p.name] = {
      hit1: pct(total.hit1, questions),
      hit3: pct(total.hit3, questions),
      content_em: p.proposes && repeated > 0 ? pct(total.em, repeated) : null,
      reversals: pct(total.reversals, questions),
    };
    contentEmNextHunk[p.name] = p.proposes && repeated > 0 ? pct(total.emNext, repeated) : null;
    latency[p.name] = { p50: percentile(total.ms, 0.5), p95: percentile(total.ms, 0.95) };
    cpu[p.name] = { p50: percentile(total.cpu, 0.5), p95: percentile(total.cpu, 0.95) };
  }
  return { hunks: questions, repeated, contentEmNextHunk, scores, latency, cpu };
}

/** The commit's hunks on files the protocol reads, with their parent files loaded into the workspace. */
function placeHunks(hunks: readonly Hunk[], tree: TreeSource, workspace: ReplayWorkspace): Placed[] {
  const placed: Placed[] = [];
  hunks.forEach((hunk, order) => {
    if (!workspace.edited.has(hunk.path)) {
      const text = tree.has(hunk.path) ? tree.read(hunk.path) : hunk.oldStart === 0 ? '' : undefined;
      if (text === undefined) return; // too large or unreadable: not a code file of the protocol
      workspace.edited.set(hunk.path, text === '' ? [] : text.split('\n'));
    }
    const origin = hunk.oldLines.length > 0 ? hunk.oldStart - 1 : hunk.oldStart;
    placed.push({ hunk, origin, order, applied: false });
  });
  return placed;
}

function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Where a hunk starts now: its parent line moved by the hunks applied above it in its file. */
function positionOf(target: Placed, placed: readonly Placed[]): number {
  let shift = 0;
  for (const h of placed) {
    if (!h.applied || h.hunk.path !== target.hunk.path) continue;
    if (h.origin < target.origin || (h.origin === target.origin && h.order < target.order))
      shift += h.hunk.newLines.length - h.hunk.oldLines.length;
  }
  return target.origin + shift;
}

function apply(target: Placed, placed: readonly Placed[], workspace: ReplayWorkspace): UserEdit {
  const at = positionOf(target, placed);
  const lines = workspace.edited.get(target.hunk.path) ?? [];
  lines.splice(at, target.hunk.oldLines.length, ...target.hunk.newLines);
  target.applied = true;
  const { oldLines, newLines } = target.hunk;
  return {
    path: target.hunk.path,
    before: { start: at, end: at + oldLines.length - 1 },
    after: { start: at, end: at + newLines.length - 1 },
    oldText: oldLines.join('\n'),
    newText: newLines.join('\n'),
    time: 0,
  };
}

/** Inside the hunk's current lines, or within 2 lines of them (of its insertion point when it only adds). */
function near(c: EditCandidate, h: Placed, placed: readonly Placed[]): boolean {
  if (c.path !== h.hunk.path) return false;
  const start = positionOf(h, placed);
  const end = start + Math.max(h.hunk.oldLines.length, 1) - 1;
  return c.line >= start - 2 && c.line <= end + 2;
}

function isRepeat(next: Placed, earlier: readonly Placed[]): boolean {
  const oldText = next.hunk.oldLines.join('\n');
  const newText = next.hunk.newLines.join('\n');
  return earlier.some((g) => {
    const t = transformationOf(g.hunk.oldLines.join('\n'), g.hunk.newLines.join('\n'));
    return t !== undefined && repeats(t, oldText, newText);
  });
}

/** The best of the top 3 that points at the hunk proposes exactly the hunk's result. */
function exactProposal(
  top: readonly EditCandidate[],
  next: Placed,
  placed: readonly Placed[],
  workspace: ReplayWorkspace,
): boolean {
  const c = top.slice(0, 3).find((candidate) => near(candidate, next, placed));
  if (!c?.proposal) return false;
  const lines = workspace.edited.get(next.hunk.path) ?? [];
  const expected = [...lines];
  expected.splice(positionOf(next, placed), next.hunk.oldLines.length, ...next.hunk.newLines);
  const proposed = [...lines];
  const { start, end } = c.proposal.lines;
  proposed.splice(start, end - start + 1, ...c.proposal.newText.split('\n'));
  return proposed.join('\n') === expected.join('\n');
}

/** A top candidate inside the lines just written, or whose proposal writes back what they replaced. */
function undoes(c: EditCandidate, edit: UserEdit, workspace: ReplayWorkspace): boolean {
  if (c.path !== edit.path) return false;
  if (edit.after.end >= edit.after.start && c.line >= edit.after.start && c.line <= edit.after.end) return true;
  if (!c.proposal || edit.oldText === '') return false;
  const lines = workspace.edited.get(edit.path) ?? [];
  const { start, end } = c.proposal.lines;
  return (
    start <= edit.after.end + 1 &&
    end >= edit.after.start - 1 &&
    lines
      .slice(start, end + 1)
      .join('\n')
      .includes(edit.newText) &&
    c.proposal.newText.includes(edit.oldText)
  );
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return Math.round(v * 100) / 100;
}
