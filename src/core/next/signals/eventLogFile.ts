import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../store/atomicFile';
import type { ActionEvent } from './actions';
import { isRecord, parseEvent } from './eventLog';
import type { PredictorState, SuggestionTally } from '../nextStepPredictor';

/**
 * The event log on disk: one versioned JSON file per workspace, replaced atomically (temporary
 * file, fsync, rename) so a crash leaves the old or the new file, never a torn one. A file that
 * cannot be read is moved aside (never deleted: the user may want to look at it) and Ondi
 * starts with an empty history, saying so.
 */
export const LOG_FORMAT = 'ondi-next-steps';
export const LOG_VERSION = 1;

interface StoredLog {
  readonly format: typeof LOG_FORMAT;
  readonly version: typeof LOG_VERSION;
  readonly savedAt: number;
  readonly events: readonly ActionEvent[];
  readonly predictor?: PredictorState;
  readonly forgotten?: readonly ForgottenHabit[];
}

/**
 * A habit the user deleted, and when: replaying the log forgets it at that point, so what
 * was learned before stays gone and doing it again afterwards is learned anew.
 */
export interface ForgottenHabit {
  readonly at: number;
  readonly trigger: string;
  readonly next: string;
}

export interface LoadedLog {
  readonly events: readonly ActionEvent[];
  readonly predictor: PredictorState | undefined;
  /** Oldest first; none in files written before habits could be deleted. */
  readonly forgotten: readonly ForgottenHabit[];
  /** Set when the file could not be used: what happened, in words for the log. */
  readonly problem?: string;
  /** Where an unreadable file was moved. */
  readonly movedTo?: string;
  /** Events dropped because they were malformed (the rest were kept). */
  readonly dropped: number;
}

const EMPTY: LoadedLog = { events: [], predictor: undefined, forgotten: [], dropped: 0 };

export async function loadEventLog(file: string, now = Date.now()): Promise<LoadedLog> {
  let problem: string | undefined;
  let parsed: unknown;
  try {
    parsed = await readJsonFile(file);
    if (parsed === undefined) return EMPTY;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    problem = `it is not valid JSON (${error.message})`;
  }
  if (problem === undefined) {
    if (!isRecord(parsed) || parsed.format !== LOG_FORMAT) problem = 'it is not an Ondi next-step log';
    else if (typeof parsed.version !== 'number' || parsed.version > LOG_VERSION)
      problem = `its version ${String(parsed.version)} is newer than this Ondi understands (${LOG_VERSION})`;
    else if (!Array.isArray(parsed.events)) problem = 'it has no event list';
  }
  if (problem !== undefined || !isRecord(parsed) || !Array.isArray(parsed.events)) {
    const movedTo = `${file}.unreadable-${now}`;
    await fs.rename(file, movedTo);
    return {
      ...EMPTY,
      problem: `The next-step history could not be read: ${problem ?? 'unknown shape'}. It was moved to ${movedTo} and Ondi starts with an empty history.`,
      movedTo,
    };
  }
  const events: ActionEvent[] = [];
  for (const raw of parsed.events) {
    const event = parseEvent(raw);
    if (event) events.push(event);
  }
  return {
    events,
    predictor: parsePredictorState(parsed.predictor),
    forgotten: parseForgotten(parsed.forgotten),
    dropped: parsed.events.length - events.length,
  };
}

export async function saveEventLog(
  file: string,
  events: readonly ActionEvent[],
  predictor: PredictorState | undefined,
  now = Date.now(),
  forgotten: readonly ForgottenHabit[] = [],
): Promise<void> {
  const stored: StoredLog = {
    format: LOG_FORMAT,
    version: LOG_VERSION,
    savedAt: now,
    events,
    ...(predictor ? { predictor } : {}),
    ...(forgotten.length > 0 ? { forgotten } : {}),
  };
  await writeFileAtomic(file, JSON.stringify(stored));
}

/** Deletes the log and any unreadable copies moved aside next to it. */
export async function deleteEventLog(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  const dir = path.dirname(file);
  const aside = `${path.basename(file)}.unreadable-`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => name.startsWith(aside)).map((name) => fs.rm(path.join(dir, name), { force: true })),
  );
}

function parsePredictorState(value: unknown): PredictorState | undefined {
  if (!isRecord(value) || typeof value.threshold !== 'number' || !isRecord(value.calibration)) return undefined;
  const { hits, tries } = value.calibration;
  const numbers = (list: unknown): list is number[] =>
    Array.isArray(list) && list.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (!numbers(hits) || !numbers(tries)) return undefined;
  const tally = parseTally(value.tally);
  return { threshold: value.threshold, calibration: { hits, tries }, ...(tally ? { tally } : {}) };
}

function parseTally(value: unknown): SuggestionTally | undefined {
  if (!isRecord(value)) return undefined;
  const count = (key: string): number | undefined => {
    const n = value[key];
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
  };
  const [shown, taken, guesses, right] = [count('shown'), count('taken'), count('guesses'), count('right')];
  if (shown === undefined || taken === undefined || guesses === undefined || right === undefined) return undefined;
  return { shown, taken, guesses, right };
}

function parseForgotten(value: unknown): ForgottenHabit[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (f): f is ForgottenHabit =>
        isRecord(f) &&
        typeof f.at === 'number' &&
        Number.isFinite(f.at) &&
        typeof f.trigger === 'string' &&
        typeof f.next === 'string',
    )
    .map(({ at, trigger, next }) => ({ at, trigger, next }))
    .sort((a, b) => a.at - b.at);
}
