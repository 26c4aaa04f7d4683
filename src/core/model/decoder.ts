import type { KvCache } from './kvCache';
import type { OnnxModel } from './onnxModel';
import type { Tokenizer } from './tokenizer';

/** Reshapes each step's next-token scores (the personal model plugs in here). */
export interface LogitsAdjuster {
  adjust(logits: Float32Array, hidden: Float32Array, hiddenOffset: number, context: readonly number[]): Float32Array;
}

export interface GenerateRequest {
  /** Token ids of the prompt; the last one may be backed up for token healing. */
  readonly promptIds: readonly number[];
  readonly maxNewTokens: number;
  /**
   * Called with the text generated so far; returns the final completion when generation
   * should end there, or undefined to go on.
   */
  readonly stop: (text: string) => string | undefined;
  readonly signal?: AbortSignal;
}

export interface Generation {
  readonly text: string;
  readonly tokens: number;
  /** Prompt tokens served from the cache of the previous request. */
  readonly reused: number;
  readonly fed: number;
  readonly ms: number;
}

/**
 * Greedy decoding with a KV cache that survives between requests: each request feeds only the
 * tokens after the longest prefix it shares with what the cache already holds, so typing on
 * costs a few tokens rather than the whole prompt. The last prompt token is backed up and the
 * first new token must re-spell it (token healing), so a cursor inside a word still completes
 * it naturally.
 */
export class Decoder {
  private cachedIds: number[] = [];
  private cache: KvCache;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly healCache = new Map<string, Int32Array>();
  /** What the user's code taught; swapped in whole when a new one is trained. */
  personal: LogitsAdjuster | undefined;

  constructor(
    private readonly model: OnnxModel,
    private readonly tokenizer: Tokenizer,
  ) {
    this.cache = model.emptyCache();
  }

  generate(request: GenerateRequest): Promise<Generation> {
    const run = this.tail.then(() => this.run(request));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async run(req: GenerateRequest): Promise<Generation> {
    const started = performance.now();
    const ids = req.promptIds;
    const heal = ids.length > 1 ? (this.tokenizer.vocabText[ids[ids.length - 1] ?? 0] ?? '') : '';
    const prompt = heal ? ids.slice(0, -1) : ids.slice();
    const shared = Math.min(commonPrefix(this.cachedIds, prompt), prompt.length - 1);
    const reused = Math.max(0, shared);
    this.cache = this.cache.truncate(reused);
    this.cachedIds = prompt.slice(0, reused);
    let out = await this.feed(prompt.slice(reused));
    const generated: number[] = [];
    const eos = this.model.info.eosTokenId;
    const headroom = this.model.info.maxPositions - this.cachedIds.length - 1;
    let text = '';
    let result: string | undefined;
    let fed = prompt.length - reused;
    for (let k = 0; k < Math.min(req.maxNewTokens, headroom) && result === undefined; k++) {
      if (req.signal?.aborted) break;
      const next = k === 0 && heal ? argmaxOf(out.logits, this.allowed(heal)) : argmax(out.logits);
      if (next === eos) break;
      generated.push(next);
      text = this.tokenizer.decode(generated).slice(heal.length);
      result = req.stop(text);
      if (result === undefined) {
        out = await this.feed([next]);
        fed++;
      }
    }
    // Out of budget or at the end of text: let the stop rule cut what there is as a finished line.
    result ??= req.stop(text + '\n') ?? text;
    return { text: result, tokens: generated.length, reused, fed, ms: performance.now() - started };
  }

  private async feed(ids: readonly number[]): Promise<{ logits: Float32Array }> {
    const out = await this.model.step(ids, this.cache);
    this.cache = out.cache;
    this.cachedIds.push(...ids);
    const personal = this.personal;
    if (!personal) return out;
    const d = this.model.info.hiddenSize;
    return { logits: personal.adjust(out.logits, out.hidden, out.hidden.length - d, this.cachedIds) };
  }

  /** Tokens whose text starts with the backed-up token's text. */
  private allowed(prefix: string): Int32Array {
    let ids = this.healCache.get(prefix);
    if (!ids) {
      const list: number[] = [];
      this.tokenizer.vocabText.forEach((t, i) => {
        if (t.startsWith(prefix)) list.push(i);
      });
      ids = Int32Array.from(list);
      if (this.healCache.size > 512) this.healCache.clear();
      this.healCache.set(prefix, ids);
    }
    return ids;
  }
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if ((x[i] ?? -Infinity) > (x[best] ?? -Infinity)) best = i;
  return best;
}

function argmaxOf(x: Float32Array, ids: Int32Array): number {
  let best = ids[0] ?? argmax(x);
  for (const i of ids) if ((x[i] ?? -Infinity) > (x[best] ?? -Infinity)) best = i;
  return best;
}
