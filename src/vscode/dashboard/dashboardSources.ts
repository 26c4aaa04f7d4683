import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { OutcomeStore } from '../../core/outcomes/outcomeStore';
import type { OndiConfig } from '../../core/config';
import type { DashboardSources, ModelFacts } from '../../core/dashboard/buildDashboard';
import type { RunningModel } from '../../core/dashboard/dashboardData';
import { NETWORK_MODULES, scanBundles, type BundleScan } from '../../core/dashboard/networkCheck';
import { listStoredFiles } from '../../core/dashboard/storedFiles';
import type { EngineLifecycle } from '../../core/engine/lifecycle';
import { readModelFolder } from '../../core/model/modelFolder';
import { readNativeTelemetryState } from '../../core/base/nativeTelemetry';
import type { NextSteps } from '../next/nextSteps';
import type { PersonalLearning } from '../personal/personalLearning';

export interface DashboardSourceDeps {
  readonly context: vscode.ExtensionContext;
  readonly config: () => OndiConfig;
  readonly engine: EngineLifecycle;
  readonly outcomes: OutcomeStore;
  readonly personal: PersonalLearning;
  readonly nextSteps: NextSteps;
  /** The shipped model folder (models/ondi-code). */
  readonly modelFolder: string;
}

/**
 * Reads everything the dashboard shows from the stores. What cannot change while the
 * extension runs (the model folder, the report, Ondi's own bundles) is read once.
 */
export class DashboardSourceReader {
  private fixed: Promise<{ running: RunningModel | undefined; report: unknown; bundles: BundleScan }> | undefined;

  constructor(private readonly deps: DashboardSourceDeps) {}

  /** Ondi's storage folders: every file it keeps lives under one of them. */
  get storageFolders(): string[] {
    const { globalStorageUri, storageUri } = this.deps.context;
    return [globalStorageUri, storageUri].filter((u): u is vscode.Uri => u?.scheme === 'file').map((u) => u.fsPath);
  }

  async read(): Promise<DashboardSources> {
    const { context, engine, outcomes, personal, nextSteps, config } = this.deps;
    const fixed = await (this.fixed ??= this.readFixed());
    const status = personal.status;
    const session = nextSteps.session();
    const model: ModelFacts = {
      state: config().enable ? engine.state : { kind: 'disabled' },
      running: fixed.running,
      report: fixed.report,
    };
    return {
      now: Date.now(),
      model,
      outcomes: outcomes.stats,
      personal: {
        file: status.file,
        fileBytes: status.meta ? await personal.fileBytes() : undefined,
        meta: status.meta,
        lift: status.lift,
        enabled: config()['learning.enabled'],
        training: status.training,
        paused: status.paused,
        percent: status.percent,
        problem: status.problem,
        learning: personal.describeLearning(),
      },
      next: session && {
        events: session.eventCount,
        commits: session.commitCount,
        tally: session.tally,
        habits: session.habits(10),
      },
      privacy: {
        files: await listStoredFiles(this.storageFolders),
        globalStorage: context.globalStorageUri.fsPath,
        workspaceStorage: context.storageUri?.fsPath,
        bundles: fixed.bundles,
        modulesChecked: NETWORK_MODULES,
        // read in the engine's own thread once it has loaded the library; before that nothing was asked of it
        remoteModelLoading: engine.remoteModelLoading,
        nativeTelemetry: readNativeTelemetryState(os.homedir()),
      },
    };
  }

  private async readFixed(): Promise<{ running: RunningModel | undefined; report: unknown; bundles: BundleScan }> {
    const { modelFolder, context } = this.deps;
    const info = await readModelFolder(modelFolder).catch(() => undefined);
    const running: RunningModel | undefined = info && {
      stage: info.stage,
      params: info.params,
      nonEmbeddingParams: info.nonEmbeddingParams,
      fileBytes: await fs.stat(info.onnxFile).then(
        (s) => s.size,
        () => undefined,
      ),
      layers: info.heads.length,
      hiddenSize: info.hiddenSize,
      vocabSize: info.vocabSize,
    };
    const reportFile = path.join(path.dirname(modelFolder), 'report.json');
    const report: unknown = await fs.readFile(reportFile, 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => undefined,
    );
    const dist = path.join(context.extensionPath, 'dist');
    const bundles = await scanBundles([path.join(dist, 'extension.js'), path.join(dist, 'adaptWorker.js')]);
    return { running, report, bundles };
  }
}
