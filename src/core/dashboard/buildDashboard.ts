import * as path from 'node:path';
import type { LearnedMeta } from '../adapt/workerProtocol';
import type { LiftRecord } from '../adapt/liftRecord';
import { completionFigures, figureLabels, menuLine, shownAndAccepted } from '../outcomes/figures';
import type { OutcomeStats } from '../outcomes/outcomes';
import type { HabitSummary, SuggestionTally } from '../next/nextStepPredictor';
import type { OndiState } from '../status';
import { latencySection, timelineSeries } from './completionCharts';
import type {
  CompletionsSection,
  DashboardData,
  ModelSection,
  NativeTelemetryEvidence,
  NextSection,
  PersonalSection,
  PrivacySection,
  RunningModel,
} from './dashboardData';
import { parseModelReport } from './modelReport';
import type { BundleScan } from './networkCheck';
import type { StoredFile } from './storedFiles';

/** Everything the dashboard is built from, read from the stores by the caller. */
export interface DashboardSources {
  readonly now: number;
  readonly model: ModelFacts;
  readonly outcomes: OutcomeStats;
  readonly personal: PersonalFacts;
  /** Undefined while the next-step history loads, or without a workspace folder. */
  readonly next: NextFacts | undefined;
  readonly privacy: PrivacyFacts;
}

export interface ModelFacts {
  readonly state: OndiState;
  readonly running: RunningModel | undefined;
  /** models/report.json as parsed JSON; undefined when it could not be read. */
  readonly report: unknown;
}

export interface PersonalFacts {
  /** The workspace's personal model file; undefined without a folder open. */
  readonly file: string | undefined;
  readonly fileBytes: number | undefined;
  readonly meta: LearnedMeta | undefined;
  readonly lift: LiftRecord | undefined;
  readonly enabled: boolean;
  readonly training: boolean;
  readonly paused: boolean;
  readonly percent: number | undefined;
  readonly problem: string | undefined;
  /** PersonalLearning.describeLearning(). */
  readonly learning: string;
}

export interface NextFacts {
  readonly events: number;
  readonly commits: number;
  readonly tally: SuggestionTally;
  readonly habits: readonly HabitSummary[];
}

export interface PrivacyFacts {
  readonly files: readonly StoredFile[];
  /** Where they live, to say what each one is. */
  readonly globalStorage: string;
  readonly workspaceStorage: string | undefined;
  readonly bundles: BundleScan;
  readonly modulesChecked: readonly string[];
  readonly remoteModelLoading: boolean | undefined;
  readonly nativeTelemetry: NativeTelemetryEvidence;
}

export function buildDashboard(s: DashboardSources): DashboardData {
  return {
    generatedAt: new Date(s.now).toISOString(),
    model: modelSection(s.model),
    completions: completionsSection(s.outcomes, s.now),
    personal: personalSection(s.personal),
    next: nextSection(s.next),
    privacy: privacySection(s.privacy, s.personal.file),
  };
}

function modelSection(m: ModelFacts): ModelSection {
  const report = parseModelReport(m.report, m.running?.stage);
  return {
    state: m.state.kind,
    stateText: stateText(m.state),
    running: m.running,
    stages: report?.stages ?? [],
    lookup: report?.lookup,
    samples: report?.samples,
    reportProblem: report
      ? undefined
      : m.report === undefined
        ? 'models/report.json could not be read from the extension.'
        : 'models/report.json has no stages Ondi can read.',
  };
}

function stateText(state: OndiState): string {
  switch (state.kind) {
    case 'loading':
      return 'Loading the model…';
    case 'ready':
      return state.detail ? `Running: ${state.detail}` : 'Running';
    case 'error':
      return `Not running: ${state.message}`;
    case 'disabled':
      return 'Inline completions are off ("Ondi: Toggle Inline Completions" turns them on)';
  }
}

function completionsSection(stats: OutcomeStats, now: number): CompletionsSection {
  const figures = completionFigures(stats);
  return {
    figures,
    labels: figureLabels(figures),
    summary: menuLine(figures),
    timeline: timelineSeries(stats.timeline, now),
    languages: Object.entries(stats.byLanguage)
      .map(([language, counts]) => {
        const { shown, accepted, acceptRate } = shownAndAccepted(counts);
        return { language, shown, accepted, acceptRate };
      })
      .filter((row) => row.shown > 0)
      .sort((a, b) => b.shown - a.shown || a.language.localeCompare(b.language)),
    latency: latencySection(stats.latency),
  };
}

function personalSection(p: PersonalFacts): PersonalSection {
  const state = !p.file ? 'no-workspace' : p.training ? 'training' : !p.enabled ? 'off' : p.paused ? 'paused' : 'on';
  const meta = p.meta;
  const trained = meta ? Date.parse(meta.trainedAt) : Number.NaN;
  const lift = p.lift;
  return {
    hasWorkspace: p.file !== undefined,
    state,
    stateText: p.learning,
    percent: p.training ? p.percent : undefined,
    learned: meta && {
      tokens: meta.tokens,
      files: meta.files,
      recentEdits: meta.recentEdits,
      // files made elsewhere carry no time: learnedMetaOf gives them the epoch
      trainedAt: Number.isFinite(trained) && trained > 0 ? meta.trainedAt : undefined,
      seconds: meta.seconds,
      rank: meta.rank,
      redactions: meta.redactions,
    },
    file: p.file,
    fileBytes: p.fileBytes,
    lift:
      lift && meta && lift.trainedAt === meta.trainedAt
        ? {
            measuredAt: lift.measuredAt,
            basis: lift.lift.basis,
            cases: lift.lift.cases,
            files: lift.lift.files,
            base: lift.lift.base,
            adapted: lift.lift.adapted,
          }
        : undefined,
    problem: p.problem,
  };
}

function nextSection(n: NextFacts | undefined): NextSection {
  const tally = n?.tally ?? { shown: 0, taken: 0, guesses: 0, right: 0 };
  const percent = (part: number, whole: number): number | undefined => (whole > 0 ? (100 * part) / whole : undefined);
  return {
    available: n !== undefined,
    events: n?.events ?? 0,
    commits: n?.commits ?? 0,
    tally,
    takenRate: percent(tally.taken, tally.shown),
    rightRate: percent(tally.right, tally.guesses),
    habits: (n?.habits ?? []).map((h) => ({ trigger: h.trigger, next: h.nextKey, text: h.text, count: h.count })),
  };
}

function privacySection(p: PrivacyFacts, personalFile: string | undefined): PrivacySection {
  const files = p.files.map((f) => ({
    path: f.path,
    bytes: f.bytes,
    what: describeStoredFile(f.path, p, personalFile),
  }));
  return {
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    network: {
      scannedAt: p.bundles.at,
      scanned: p.bundles.scanned,
      modulesFound: p.bundles.modulesFound,
      modulesChecked: p.modulesChecked,
      remoteModelLoading: p.remoteModelLoading,
      nativeTelemetry: p.nativeTelemetry,
    },
  };
}

/** What a stored file is, from where it lives and its name. */
export function describeStoredFile(
  file: string,
  where: Pick<PrivacyFacts, 'globalStorage' | 'workspaceStorage'>,
  personalFile: string | undefined,
): string {
  const name = path.basename(file);
  const dir = path.dirname(file);
  const thisWorkspace = personalFile !== undefined && dir === path.dirname(personalFile);
  const inWorkspaceStorage = where.workspaceStorage !== undefined && dir === where.workspaceStorage;
  if (name.endsWith('.tmp')) return 'An unfinished write (cleared at the next start)';
  if (name === 'outcomes.json' && dir === where.globalStorage) return 'Completion statistics (all workspaces)';
  if (name === 'personal.ondi')
    return thisWorkspace ? 'Personal model of this workspace' : 'Personal model of another workspace';
  if (name === 'lift.json')
    return thisWorkspace ? "Lift measured for this workspace's personal model" : 'Lift measured for another workspace';
  if (name === 'next-steps.json' && inWorkspaceStorage) return 'Next-step history of this workspace';
  if (name.startsWith('next-steps.json.unreadable-')) return 'An unreadable next-step history, set aside';
  return 'Other Ondi data';
}
