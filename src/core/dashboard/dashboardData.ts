import type { OutcomeCounts } from '../outcomes/outcomeKinds';
import type { CompletionFigures, FigureLabels } from '../outcomes/figures';

/**
 * What the dashboard shows, as plain JSON: built in the extension from the local stores
 * (buildDashboard.ts) and posted to the webview, which only draws it. Every number here was
 * recorded or measured on this machine, or read from the shipped model report; a section
 * without data says so through its empty fields instead of showing zeros as if measured.
 * The webview reads these types too, so this file imports nothing that needs Node.
 */
export interface DashboardData {
  readonly generatedAt: string;
  readonly model: ModelSection;
  readonly completions: CompletionsSection;
  readonly personal: PersonalSection;
  readonly next: NextSection;
  readonly privacy: PrivacySection;
}

export interface ModelSection {
  readonly state: 'loading' | 'ready' | 'error' | 'disabled';
  /** The status bar's words for it ("pruned-int8 model, 10.3M parameters, loaded in 180 ms"). */
  readonly stateText: string;
  readonly running: RunningModel | undefined;
  /** The compression story from models/report.json, first stage first. */
  readonly stages: readonly ModelStage[];
  readonly lookup: { readonly em: number; readonly es: number } | undefined;
  readonly samples: number | undefined;
  /** Why there are no stages (no report shipped, or unreadable). */
  readonly reportProblem: string | undefined;
}

export interface RunningModel {
  readonly stage: string;
  readonly params: number;
  readonly nonEmbeddingParams: number | undefined;
  readonly fileBytes: number | undefined;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
}

export type StageMetric = 'params' | 'nonEmbeddingParams' | 'fileMb' | 'bpb' | 'em' | 'es' | 'p50Ms' | 'p95Ms';

export interface ModelStage {
  readonly stage: string;
  /** The stage the running model comes from. */
  readonly running: boolean;
  readonly values: Readonly<Partial<Record<StageMetric, number>>>;
  /** Change against the first stage, in percent (absent for the first stage and missing values). */
  readonly change: Readonly<Partial<Record<StageMetric, number>>>;
}

export interface CompletionsSection {
  /** Every figure, as core/outcomes/figures.ts defines it (the menu shows the same). */
  readonly figures: CompletionFigures;
  /** The same figures in the words the menu uses ("shown 112 (model 40, cached 72)"). */
  readonly labels: FigureLabels;
  /** The menu's line, word for word. */
  readonly summary: string;
  readonly timeline: Timeline;
  readonly languages: readonly LanguageRow[];
  readonly latency: LatencySection;
}

export interface Timeline {
  /** Hours while all use fits in the last two days, days after that. */
  readonly unit: 'hour' | 'day';
  readonly labels: readonly string[];
  readonly series: Readonly<Record<keyof OutcomeCounts, readonly number[]>>;
}

export interface LanguageRow {
  readonly language: string;
  readonly shown: number;
  readonly accepted: number;
  /** Accepts per suggestion shown, in percent. */
  readonly acceptRate: number | undefined;
}

/** Engine time of model calls (cached repeats take none). */
export interface LatencySection {
  /** Model calls measured. */
  readonly count: number;
  /** One label per bucket ("≤ 30 ms", "> 2000 ms"). */
  readonly labels: readonly string[];
  readonly counts: readonly number[];
  readonly p50: number | undefined;
  readonly p95: number | undefined;
  /** Index of the bucket each percentile falls in, to mark it. */
  readonly p50Bucket: number | undefined;
  readonly p95Bucket: number | undefined;
  readonly meanMs: number | undefined;
}

export interface PersonalSection {
  readonly hasWorkspace: boolean;
  readonly state: 'training' | 'paused' | 'off' | 'on' | 'no-workspace';
  /** How learning stands, in words ("on, after 30 s without typing, ..."). */
  readonly stateText: string;
  readonly percent: number | undefined;
  readonly learned: LearnedSummary | undefined;
  readonly file: string | undefined;
  readonly fileBytes: number | undefined;
  readonly lift: LiftSummary | undefined;
  readonly problem: string | undefined;
}

export interface LearnedSummary {
  readonly tokens: number;
  readonly files: number;
  readonly recentEdits: number;
  /** ISO time; undefined when the file does not say (made by `ondi adapt` or an older version). */
  readonly trainedAt: string | undefined;
  readonly seconds: number;
  readonly rank: number;
  readonly redactions: number;
}

export interface LiftSummary {
  readonly measuredAt: string;
  /** Always measured on files the personal model did not learn. */
  readonly basis: 'unseen';
  readonly cases: number;
  readonly files: readonly string[];
  readonly base: { readonly em: number; readonly es: number };
  readonly adapted: { readonly em: number; readonly es: number };
}

export interface NextSection {
  /** False until the workspace's history is loaded, or without a folder. */
  readonly available: boolean;
  readonly events: number;
  readonly commits: number;
  /** As SuggestionTally (core/next) counts it. */
  readonly tally: { readonly shown: number; readonly taken: number; readonly guesses: number; readonly right: number };
  /** Share of shown suggestions that were taken, in percent. */
  readonly takenRate: number | undefined;
  /** Share of steps where Ondi's first guess was right, in percent. */
  readonly rightRate: number | undefined;
  readonly habits: readonly HabitRow[];
}

export interface HabitRow {
  readonly trigger: string;
  readonly next: string;
  readonly text: string;
  readonly count: number;
}

export interface PrivacySection {
  readonly files: readonly StoredFileRow[];
  readonly totalBytes: number;
  readonly network: NetworkEvidence;
}

export interface StoredFileRow {
  readonly path: string;
  readonly bytes: number;
  readonly what: string;
}

export interface NetworkEvidence {
  /** Ondi's own bundles, read at `scannedAt` (once per window: they do not change while it runs). */
  readonly scannedAt: string;
  readonly scanned: readonly { readonly file: string; readonly bytes: number }[];
  /** Node networking modules those bundles load (none expected). */
  readonly modulesFound: readonly string[];
  readonly modulesChecked: readonly string[];
  /** The model library's remote loading switch, read from the running library; undefined before it is loaded. */
  readonly remoteModelLoading: boolean | undefined;
  /** The native runtime's own telemetry: switched off in this process, and no event queue on disk. */
  readonly nativeTelemetry: NativeTelemetryEvidence;
}

export interface NativeTelemetryEvidence {
  /** ORT_DISABLE_TELEMETRY=1 in the extension host's environment, which its worker threads share. */
  readonly disabled: boolean;
  /** The runtime's event queue folder exists in the home folder. */
  readonly queueFound: boolean;
}

/** What the webview asks the extension to do. */
export type DashboardRequest =
  | { readonly type: 'ready' }
  | { readonly type: 'pauseLearning' }
  | { readonly type: 'resumeLearning' }
  | { readonly type: 'trainNow' }
  | { readonly type: 'measureLift' }
  | { readonly type: 'deleteHabit'; readonly trigger: string; readonly next: string }
  | { readonly type: 'deleteEverything' }
  | { readonly type: 'showMenu' };

/** What the extension tells the webview. */
export type DashboardMessage =
  | { readonly type: 'data'; readonly data: DashboardData }
  | { readonly type: 'busy'; readonly what: string | undefined };
