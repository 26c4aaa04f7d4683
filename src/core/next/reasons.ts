import { afterPhrase, baseName, pastTense, type PerformableAction } from './signals/actions';
import type { RankedFile } from './learners/fileRanker';
import type { FixCandidate } from './learners/fixErrorsHabit';
import { lastStepOf } from './learners/sequenceModel';

/**
 * Reason strings: one sentence a person can check against their own memory, built from the
 * evidence the prediction really used.
 */
export function sequenceReason(action: PerformableAction, context: string | undefined, count: number): string {
  if (context === undefined || count === 0) return `${capitalize(pastTense(action))} often in this workspace`;
  return `${capitalize(afterPhrase(lastStepOf(context)))}, ${pastTense(action)} ${times(count)}`;
}

/** A learned habit in words: "After saving a *.test.ts file, you ran the task `test` 4 times". */
export function habitReason(trigger: string, next: PerformableAction, count: number): string {
  return `${capitalize(afterPhrase(trigger))}, ${pastTense(next)} ${times(count)}`;
}

export function fileReason(ranked: RankedFile, current: string): string {
  const here = baseName(current);
  const { facts } = ranked;
  const there = baseName(ranked.file);
  if (ranked.testPair) return `${there} and ${here} are a source/test pair`;
  if (facts.importAdded) return `${here} now imports ${there}`;
  if (facts.together >= 0.5) {
    const together = Math.max(1, Math.round(facts.together));
    const share = Math.round(100 * facts.confidence);
    return `Changed together with ${here} in ${together} recent commit${together === 1 ? '' : 's'} (${share}% of ${here}'s)`;
  }
  if (facts.sharedWordsRank === 0) return `Holds names you just changed in ${here}`;
  if (facts.importsQuery) return `Imports ${here}`;
  if (facts.queryImports) return `Imported by ${here}`;
  if (ranked.viaRecent !== undefined && facts.viaRecentConfidence > 0) {
    return `Usually changes with ${baseName(ranked.viaRecent)}, which you just worked on`;
  }
  if (facts.age !== undefined && facts.age <= 2) return 'Changed in your latest work';
  return `Related to ${here} by name or folder`;
}

export function fixReason(fix: FixCandidate): string {
  const got = `${baseName(fix.file)} got errors while you were in another file`;
  if (fix.chances === 0) return got;
  return `${got}; you went to fix such errors next ${fix.went} of ${fix.chances} time${fix.chances === 1 ? '' : 's'}`;
}

function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
