import * as vscode from 'vscode';
import type { OndiConfig } from '../../core/config';
import { describeError, type Logger } from '../../core/log';
import type { FileLinks } from '../../core/nextEdit/fileLinks';
import { readCommits, readWorkspacePrefix, relativeToPrefix } from '../../core/next/signals/gitHistory';
import { NextStepSession, SEED_COMMITS } from '../../core/next/nextStepSession';
import { createPathExcluder } from '../../core/privacy/globs';
import { mayLearnFromWorkspace } from '../../core/workspaceTrust';
import { startCollectors } from './collectors';
import { getGitApi } from './gitApi';
import { COMMAND_IDS } from '../commandIds';
import { registerNextStepCommands } from './nextStepCommands';
import { NextStepStatusBar } from './nextStepStatusBar';
import { RelatedFilesCodeLens } from './relatedFilesCodeLens';
import { workspacePath } from './workspacePaths';

export interface NextStepsDeps {
  readonly log: Logger;
  readonly config: () => OndiConfig;
}

/** The status bar follows changes at most this often (edits arrive per keystroke). */
const REFRESH_MS = 250;

/** Next steps as other parts of the extension see them (the dashboard, the extension's API). */
export interface NextSteps extends vscode.Disposable {
  /** The workspace's session, once its history is loaded; undefined without a folder. */
  readonly session: () => NextStepSession | undefined;
  /** Fires when the session has loaded and whenever what it learned may have changed. */
  readonly onDidChange: vscode.Event<void>;
  /** Keys of the latest recorded actions, oldest first; empty until the workspace's session is loaded. */
  recentActions(limit: number): readonly string[];
  /** Lets next-file suggestions weigh what the code says about a changed file (next edit reads it). */
  useLinks(links: (file: string) => FileLinks | undefined): void;
}

/**
 * Next-step prediction in the editor: loads this workspace's session in the background,
 * connects the collectors, the status bar item and the three commands. One call from
 * activate(); everything it starts is released by the returned Disposable.
 */
export function activateNextSteps(context: vscode.ExtensionContext, deps: NextStepsDeps): NextSteps {
  const { log } = deps;
  let session: NextStepSession | undefined;
  let links: ((file: string) => FileLinks | undefined) | undefined;
  const changed = new vscode.EventEmitter<void>();
  const statusBar = new NextStepStatusBar(COMMAND_IDS.nextStep);
  const codeLens = new RelatedFilesCodeLens(() => session);
  const disposables: vscode.Disposable[] = [
    changed,
    statusBar,
    codeLens,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    ...registerNextStepCommands({
      session: () => session,
      globalState: context.globalState,
      log,
      isTrusted: () => vscode.workspace.isTrusted,
    }),
  ];
  let disposed = false;

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refresh = (): void => {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = undefined;
      if (session && !disposed) statusBar.show(session.suggest(5));
    }, REFRESH_MS);
  };

  // The globs are compiled again only when the setting changes.
  let compiled: { globs: readonly string[]; test: (file: string) => boolean } | undefined;
  const excluder = (globs: readonly string[]) => {
    if (compiled?.globs !== globs) compiled = { globs, test: createPathExcluder(globs) };
    return compiled.test;
  };

  const folder = vscode.workspace.workspaceFolders?.[0];
  const storage = context.storageUri;
  if (!storage || !folder) {
    log.info('next steps: no workspace folder open, nothing to learn');
  } else if (!mayLearnFromWorkspace(vscode.workspace.isTrusted)) {
    // Restricted Mode: no history is read (git runs nothing of the workspace's) or kept until trusted
    log.info('next steps: the workspace is not trusted; nothing is learned until it is');
    const granted = vscode.workspace.onDidGrantWorkspaceTrust(() => {
      granted.dispose();
      if (!disposed) startSession(folder.uri.fsPath, storage);
    });
    disposables.push(granted);
  } else {
    startSession(folder.uri.fsPath, storage);
  }

  function startSession(root: string, storageUri: vscode.Uri): void {
    const logFile = vscode.Uri.joinPath(storageUri, 'next-steps.json').fsPath;
    void (async () => {
      const opened = await NextStepSession.open({
        logFile,
        workspaceRoot: root,
        log,
        isExcluded: (file) => excluder(deps.config().disabledGlobs)(file),
        readHistory: async (dir) =>
          relativeToPrefix(await readCommits(dir, { max: SEED_COMMITS }), await readWorkspacePrefix(dir)),
        links: (file) => {
          try {
            return links?.(file);
          } catch (error) {
            log.warn(`next steps: could not read the imports and words of ${file}: ${describeError(error)}`);
            return undefined;
          }
        },
      });
      if (disposed) {
        await opened.dispose();
        return;
      }
      session = opened;
      // Related files change with commits and the git seed, not with every keystroke.
      let commits = -1;
      const refreshLenses = (): void => {
        if (opened.commitCount !== commits) {
          commits = opened.commitCount;
          codeLens.refresh();
        }
      };
      disposables.push(
        { dispose: () => void opened.dispose() },
        opened.onDidChange(refresh),
        opened.onDidChange(refreshLenses),
        opened.onDidChange(() => changed.fire()),
      );
      changed.fire();
      const git = await getGitApi().catch(() => undefined);
      if (disposed) return;
      disposables.push(
        startCollectors(
          {
            record: (action) => opened.record(action),
            focus: (file) => opened.focus(file),
            learnCommit: (files, deleted) => opened.learnCommit(files, deleted),
            readLatestCommit: async (repoRoot) => {
              const [latest] = relativeToPrefix(
                await readCommits(repoRoot, { max: 1 }),
                await readWorkspacePrefix(root),
              );
              return latest;
            },
          },
          git,
          log,
        ),
      );
      // The editor that was already open when Ondi started is where the user is.
      const current = vscode.window.activeTextEditor && workspacePath(vscode.window.activeTextEditor.document.uri);
      if (current) opened.record({ kind: 'open', file: current });
      refresh();
    })().catch((error: unknown) => log.error('next steps: could not start', error));
  }

  return {
    session: () => session,
    onDidChange: changed.event,
    recentActions: (limit) => session?.recentActions(limit) ?? [],
    useLinks: (provider) => {
      links = provider;
    },
    dispose: () => {
      disposed = true;
      if (refreshTimer) clearTimeout(refreshTimer);
      disposables.forEach((d) => d.dispose());
    },
  };
}
