import * as path from 'node:path';
import { readJsonFile, writeFileAtomic } from '../store/atomicFile';
import type { LiftResult } from './workerProtocol';

/**
 * The latest lift measured for a workspace's personal model (base vs personal model on the
 * user's recent edits), kept next to the model so it is shown again without measuring
 * again, and deleted with it. It names the training it measured: after the next training
 * it no longer describes the model in use.
 */
export const LIFT_FILE = 'lift.json';

export interface LiftRecord {
  readonly measuredAt: string;
  /** `trainedAt` of the personal model that was measured. */
  readonly trainedAt: string;
  readonly lift: LiftResult;
}

export function liftRecordFile(personalFile: string): string {
  return path.join(path.dirname(personalFile), LIFT_FILE);
}

export async function saveLiftRecord(file: string, record: LiftRecord): Promise<void> {
  await writeFileAtomic(file, JSON.stringify({ version: 1, ...record }));
}

/** The stored record for the model trained at `trainedAt`; undefined when missing, unreadable or about another training. */
export async function loadLiftRecord(file: string, trainedAt: string): Promise<LiftRecord | undefined> {
  const raw = await readJsonFile(file).catch(() => undefined);
  const record = parseLiftRecord(raw);
  return record?.trainedAt === trainedAt ? record : undefined;
}

export function parseLiftRecord(raw: unknown): LiftRecord | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const lift = r['lift'] as Record<string, unknown> | undefined;
  if (
    r['version'] !== 1 ||
    typeof r['measuredAt'] !== 'string' ||
    typeof r['trainedAt'] !== 'string' ||
    typeof lift !== 'object' ||
    lift === null
  ) {
    return undefined;
  }
  const scores = (v: unknown): { em: number; es: number } | undefined => {
    const s = v as Record<string, unknown> | undefined;
    return typeof s === 'object' && s !== null && typeof s['em'] === 'number' && typeof s['es'] === 'number'
      ? { em: s['em'], es: s['es'] }
      : undefined;
  };
  const base = scores(lift['base']);
  const adapted = scores(lift['adapted']);
  const files = Array.isArray(lift['files']) ? lift['files'].filter((f): f is string => typeof f === 'string') : [];
  const basis = lift['basis'];
  // a 'seen' record (measured on files the model learned, before that was ruled out) is not read
  if (!base || !adapted || basis !== 'unseen' || typeof lift['cases'] !== 'number') return undefined;
  return {
    measuredAt: r['measuredAt'],
    trainedAt: r['trainedAt'],
    lift: {
      basis,
      files,
      cases: lift['cases'],
      base,
      adapted,
      seconds: typeof lift['seconds'] === 'number' ? lift['seconds'] : 0,
    },
  };
}
