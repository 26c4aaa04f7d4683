import type { OndiState, StatusPresentation } from '../status';
import { describeTimeLeft, shortDuration } from './learningEstimate';
import type { LearningProgress } from './learningRun';
import type { LearnedMeta } from './workerProtocol';

/**
 * What the editor tells the user about learning, in words short enough for a notification
 * (VS Code cuts a toast's text after about 80 characters).
 */

/** The first automatic training's notice. */
export const FIRST_LEARNING_NOTICE =
  'Ondi is learning this workspace on this machine while you are idle. Typing pauses it.';

/** "Learned 100,000 tokens from 12 files in 58 s." */
export function describeLearned(meta: Pick<LearnedMeta, 'tokens' | 'files' | 'recentEdits'>, seconds: number): string {
  const edits = meta.recentEdits > 0 ? ` and ${meta.recentEdits} edit${meta.recentEdits === 1 ? '' : 's'}` : '';
  const files = `${meta.files} file${meta.files === 1 ? '' : 's'}`;
  return `Learned ${meta.tokens.toLocaleString('en-US')} tokens from ${files}${edits} in ${Math.round(seconds)} s.`;
}

/** "42,000 of 100,000 tokens, about 35 s left" (or "reading files…" before learning starts). */
export function describeProgress(progress: LearningProgress | undefined): string {
  if (!progress || progress.tokensTotal === 0) return 'reading files and loading the model…';
  const tokens = `${progress.tokensDone.toLocaleString('en-US')} of ${progress.tokensTotal.toLocaleString('en-US')} tokens`;
  if (progress.held) return `${tokens}, paused while you type`;
  return progress.secondsLeft === undefined ? tokens : `${tokens}, ${describeTimeLeft(progress.secondsLeft)}`;
}

/** A training's estimate on top of its percent: "Ondi ⟳ 42% · 35 s", "…: 42%, about 35 s left". */
export function withTimeLeft(state: OndiState, shown: StatusPresentation): StatusPresentation {
  const learning = state.kind === 'ready' ? state.learning : undefined;
  if (learning?.kind !== 'learning' || learning.secondsLeft === undefined) return shown;
  const left = learning.secondsLeft;
  return {
    text: `${shown.text} · ${left < 5 ? '<5 s' : shortDuration(left)}`,
    tooltip: shown.tooltip.replace(
      /Training your personal model: (\d+%)/,
      (_, percent: string) => `Training your personal model: ${percent}, ${describeTimeLeft(left)}`,
    ),
  };
}
