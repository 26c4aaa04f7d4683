import type { ModelStage, StageMetric } from './dashboardData';

/**
 * models/report.json (written by models/report.py) read for the model card: every stage of
 * the compression story with its change against the first stage. Fields are read one by one
 * so a report from an older or newer recipe shows what it has.
 */
export interface ParsedReport {
  readonly stages: readonly ModelStage[];
  readonly lookup: { readonly em: number; readonly es: number } | undefined;
  readonly samples: number | undefined;
}

const FIELDS: Readonly<Record<StageMetric, string>> = {
  params: 'params',
  nonEmbeddingParams: 'non_embedding_params',
  fileMb: 'file_mb',
  bpb: 'bpb',
  em: 'em',
  es: 'es',
  p50Ms: 'p50_ms',
  p95Ms: 'p95_ms',
};

/** "pruned-int8" (config.json) and "pruned int8" (report.json) name the same stage. */
export function sameStage(a: string, b: string): boolean {
  const norm = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return norm(a) === norm(b);
}

export function parseModelReport(raw: unknown, runningStage: string | undefined): ParsedReport | undefined {
  if (!isRecord(raw) || !Array.isArray(raw['stages'])) return undefined;
  const rows = raw['stages'].filter(isRecord).filter((s) => typeof s['stage'] === 'string');
  if (rows.length === 0) return undefined;
  const values = rows.map((row) => {
    const out: Partial<Record<StageMetric, number>> = {};
    for (const [metric, field] of Object.entries(FIELDS) as [StageMetric, string][]) {
      const v = row[field];
      if (typeof v === 'number' && Number.isFinite(v)) out[metric] = v;
    }
    return out;
  });
  const first = values[0] ?? {};
  const stages = rows.map((row, i): ModelStage => {
    const stage = String(row['stage']);
    const change: Partial<Record<StageMetric, number>> = {};
    if (i > 0) {
      for (const metric of Object.keys(FIELDS) as StageMetric[]) {
        const from = first[metric];
        const to = values[i]?.[metric];
        if (from !== undefined && to !== undefined && from !== 0) change[metric] = (100 * (to - from)) / from;
      }
    }
    return {
      stage,
      running: runningStage !== undefined && sameStage(stage, runningStage),
      values: values[i] ?? {},
      change,
    };
  });
  const lookup =
    isRecord(raw['lookup']) && typeof raw['lookup']['em'] === 'number' && typeof raw['lookup']['es'] === 'number'
      ? { em: raw['lookup']['em'], es: raw['lookup']['es'] }
      : undefined;
  return { stages, lookup, samples: typeof raw['samples'] === 'number' ? raw['samples'] : undefined };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
