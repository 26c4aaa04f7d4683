import type { OndiConfig } from './config';
import type { PerformableAction } from './next/signals/actions';

/**
 * What Ondi does in a workspace the user has not trusted (VS Code's restricted mode):
 * completions go on, from the shipped model and the text of files the user opened, kept in
 * memory only; nothing is learned or stored from the workspace (no training, no next-step
 * history, no git history read); and no suggested step runs anything. Trust granted later
 * lifts all of it without a reload.
 */

/** The settings as they apply: in a restricted window learning is off whatever the setting says. */
export function configUnderTrust(config: OndiConfig, trusted: boolean): OndiConfig {
  return trusted || !config['learning.enabled'] ? config : { ...config, 'learning.enabled': false };
}

/** Whether the workspace's files, edits and history may be learned from and stored. */
export function mayLearnFromWorkspace(trusted: boolean): boolean {
  return trusted;
}

/** Why learning is not happening, for the log and the commands that would start it. */
export const UNTRUSTED_LEARNING =
  'Ondi does not learn from a workspace in Restricted Mode. Trust the workspace to let it learn.';

/**
 * Undefined when the step may be done; otherwise the message that says why not. Opening a
 * file or the commit box runs nothing; a task, a shell command or a debug session run code
 * from the workspace, which restricted mode exists to prevent.
 */
export function stepRefusal(kind: PerformableAction['kind'], trusted: boolean): string | undefined {
  if (trusted || kind === 'open' || kind === 'commit') return undefined;
  const what = kind === 'task' ? 'run a task' : kind === 'shell' ? 'run a terminal command' : 'start a debug session';
  return `Ondi does not ${what} in Restricted Mode. Trust the workspace to let suggested steps run.`;
}
