import { AdapterProcessor, CacheProcessor, KnnProcessor } from '../../core/adapt/personalModel';
import type { CompletionPipeline } from '../../core/complete/pipeline';
import type { RetrievalSource, SnippetSource } from '../../core/complete/snippets';
import type { CompletionEngine } from '../../core/complete/types';
import { percentile, round } from '../../core/eval/metrics';
import type { LogitsProcessor } from '../../core/model/logitsProcessor';

/** Where a keystroke's time went, as `ondi bench` reports it for each model. */
export interface Breakdown {
  /** Mean milliseconds per keystroke in each timed part (absent: the part was not applied). */
  readonly ms_per_keystroke: Readonly<Record<string, number>>;
  /** Decoding steps whose scores went through the personal model's processors, per keystroke. */
  readonly scored_steps: number;
  /** Prompt tokens the decoder fed per keystroke (mean, p95) and served from its cache (mean). */
  readonly fed_mean: number;
  readonly fed_p95: number;
  readonly reused_mean: number;
  /** Tokens generated per keystroke (mean). */
  readonly generated_mean: number;
  /** Keystrokes whose prompt carried a snippet of code from elsewhere. */
  readonly with_snippet: number;
  /** Share of the adapter's steps that updated the whole vocabulary rather than the tokens near the top. */
  readonly adapter_whole?: number | undefined;
}

/** Accumulates time per named part while a bench types. */
export class PartTimer {
  private readonly totals = new Map<string, number>();
  scoredSteps = 0;
  adapter: AdapterProcessor | undefined;
  private adapterAtReset = { steps: 0, whole: 0 };

  time<T>(part: string, run: () => T): T {
    const started = performance.now();
    try {
      return run();
    } finally {
      this.totals.set(part, (this.totals.get(part) ?? 0) + performance.now() - started);
    }
  }

  /** The pipeline's personal processors and snippet sources, each timed under its part's name. */
  instrument(pipeline: CompletionPipeline, retrieval: RetrievalSource | undefined): void {
    const personal = pipeline.personal;
    if (personal) {
      pipeline.personalize({
        processors: personal.processors.map((p, i) => this.processor(p, i === 0)),
        snippets: personal.snippets && this.snippets(personal.snippets),
      });
    }
    if (retrieval) {
      const { related } = retrieval;
      pipeline.useRetrieval({
        match: (...args) => this.time('retrieval', () => retrieval.match(...args)),
        ...(related && { related: (...args) => this.time('related', () => related.apply(retrieval, args)) }),
      });
    }
  }

  /** `first`: every scored step runs it, so it counts the steps. */
  private processor(p: LogitsProcessor, first: boolean): LogitsProcessor {
    if (p instanceof AdapterProcessor) this.adapter = p;
    const part =
      p instanceof AdapterProcessor
        ? 'adapter'
        : p instanceof CacheProcessor
          ? 'cache'
          : p instanceof KnnProcessor
            ? 'knn'
            : 'other';
    return {
      process: (scores, step) => {
        if (first) this.scoredSteps++;
        return this.time(part, () => p.process(scores, step));
      },
    };
  }

  private snippets(source: SnippetSource): SnippetSource {
    return { match: (ids) => this.time('snippets', () => source.match(ids)) };
  }

  /** Mean milliseconds per keystroke in each part. */
  perKeystroke(keystrokes: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [part, ms] of this.totals) out[part] = round(ms / Math.max(1, keystrokes), 3);
    return out;
  }

  /** Share of the adapter's steps since the reset that updated the whole vocabulary. */
  adapterWhole(): number | undefined {
    if (!this.adapter) return undefined;
    const steps = this.adapter.counts.steps - this.adapterAtReset.steps;
    return round((this.adapter.counts.whole - this.adapterAtReset.whole) / Math.max(1, steps), 3);
  }

  reset(): void {
    this.totals.clear();
    this.scoredSteps = 0;
    if (this.adapter) this.adapterAtReset = { ...this.adapter.counts };
  }
}

/** The pipeline as a CompletionEngine that also keeps each keystroke's decoder trace. */
export function tracing(pipeline: CompletionPipeline): {
  engine: CompletionEngine;
  traces: Trace[];
} {
  const traces: Trace[] = [];
  const engine: CompletionEngine = {
    complete: async (request, signal) => {
      try {
        return await pipeline.complete(request, signal);
      } finally {
        const t = pipeline.lastTrace;
        traces.push({ reused: t.reused ?? 0, fed: t.fed ?? 0, tokens: t.tokens ?? 0, snippet: (t.snippet ?? 0) > 0 });
      }
    },
  };
  return { engine, traces };
}

/** One keystroke's decoder trace. */
interface Trace {
  readonly reused: number;
  readonly fed: number;
  readonly tokens: number;
  readonly snippet: boolean;
}

export function breakdownOf(timer: PartTimer, traces: readonly Trace[]): Breakdown {
  const n = Math.max(1, traces.length);
  const fed = traces.map((t) => t.fed);
  return {
    ms_per_keystroke: timer.perKeystroke(traces.length),
    scored_steps: round(timer.scoredSteps / n, 2),
    fed_mean: round(fed.reduce((a, b) => a + b, 0) / n, 1),
    fed_p95: percentile(fed, 95),
    reused_mean: round(traces.reduce((a, t) => a + t.reused, 0) / n, 1),
    generated_mean: round(traces.reduce((a, t) => a + t.tokens, 0) / n, 1),
    with_snippet: traces.filter((t) => t.snippet).length,
    ...(timer.adapter ? { adapter_whole: timer.adapterWhole() } : {}),
  };
}
