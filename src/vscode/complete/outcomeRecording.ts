import * as path from 'node:path';
import type * as vscode from 'vscode';
import { OutcomeStore } from '../../core/outcomes/outcomeStore';
import { OutcomeTracker } from '../../core/outcomes/outcomeTracker';
import type { Logger } from '../../core/log';
import { watchOutcomes } from './outcomeWatcher';

export const OUTCOMES_FILE = 'outcomes.json';

export interface OutcomeRecording {
  readonly tracker: OutcomeTracker;
  readonly store: OutcomeStore;
  /** Stops watching, resolves the pending suggestion and writes the stats one last time. */
  readonly disposable: vscode.Disposable;
}

/**
 * Outcome statistics for this user across workspaces, in the extension's global storage
 * (a local folder; anything else keeps them in memory for this session).
 */
export function startOutcomeRecording(context: vscode.ExtensionContext, log: Logger): OutcomeRecording {
  const storage = context.globalStorageUri;
  const file = storage.scheme === 'file' ? path.join(storage.fsPath, OUTCOMES_FILE) : undefined;
  if (!file)
    log.warn(`global storage ${storage.toString()} is not a local folder; outcome statistics are kept in memory only`);
  const store = new OutcomeStore({ file, log });
  const tracker = new OutcomeTracker((event) => store.record(event));
  const watcher = watchOutcomes(tracker);
  return {
    tracker,
    store,
    disposable: {
      dispose: () => {
        // The tracker resolves its pending suggestion into the store before the last write.
        watcher.dispose();
        void store.dispose();
      },
    },
  };
}
