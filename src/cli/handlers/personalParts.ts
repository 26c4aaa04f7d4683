import type { PersonalPart } from '../../core/engine/modelEngine';
import { UsageError } from '../args';

/** Which parts of the personal model a run applies, as `--personal` / `--personal-parts` list them. */
export interface PartsChoice {
  /** As given, e.g. "adapter,cache". */
  readonly text: string;
  /** The parts the personal model file lends. */
  readonly model: PersonalPart[];
  /** Whether the workspace's retrieval index lends snippets too. */
  readonly retrieval: boolean;
}

export const ALL_PARTS = 'adapter,cache,knn,snippets,retrieval';
const PART = /^(adapter|cache|knn|snippets|retrieval)$/;

/** Parses a comma-separated list of parts ("none": the file applied with no part of it). */
export function partsOption(text: string, option = '--personal-parts'): PartsChoice {
  const names = text === 'none' ? [] : text.split(',');
  if (names.some((n) => !PART.test(n)))
    throw new UsageError(
      `${option} must list adapter, cache, knn, snippets and/or retrieval, comma-separated (or none)`,
    );
  return {
    text,
    model: names.filter((n): n is PersonalPart => n !== 'retrieval'),
    retrieval: names.includes('retrieval'),
  };
}
