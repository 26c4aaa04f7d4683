import { promises as fs } from 'node:fs';
import { modelReport } from '../paths';

interface Stage {
  stage: string;
  params: number;
  non_embedding_params: number;
  file_mb: number;
  bpb: number;
  em: number;
  es: number;
  p50_ms: number;
}

/** `ondi report`: the recipe's stage-by-stage measurements (models/report.json, written by models/report.py). */
export async function report() {
  const raw = await fs.readFile(modelReport(), 'utf8').catch(() => {
    throw new Error(`no model report at ${modelReport()} (run models/report.py)`);
  });
  const r = JSON.parse(raw) as { stages: Stage[]; lookup: { em: number; es: number } };
  return {
    stages: r.stages.map(({ stage, params, non_embedding_params, file_mb, bpb, em, es, p50_ms }) => ({
      stage,
      params,
      non_embedding_params,
      file_mb,
      bpb,
      em,
      es,
      p50_ms,
    })),
    lookup: { em: r.lookup.em, es: r.lookup.es },
  };
}
