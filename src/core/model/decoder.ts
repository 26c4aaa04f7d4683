import { SerialQueue } from '../base/serialQueue';
import type { KvCache } from './kvCache';
import { runProcessors, type LogitsProcessor } from './logitsProcessor';
import type { OnnxModel } from './onnxModel';
import { withoutPartialCharacter, type Tokenizer } from './tokenizer';

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
  /** Code near the cursor that the prompt leaves out (the logits processors may read it: DecodingStep). */
  readonly nearby?: readonly number[];
}

export interface Generation {
  readonly text: string;
  readonly tokens: number;
  /** Prompt tokens served from the cache of the previous request. */
  readonly reused: number;
  readonly fed: number;
  /** Drafted tokens checked, and how many of them the model agreed with. */
  readonly drafted: number;
  readonly accepted: number;
  readonly ms: number;
}

/** Longest draft checked in one run: long enough for a line, short enough to waste little. */
const MAX_DRAFT = 12;
/**
 * A long prompt is fed in runs of at most this many tokens, with a look at the signal between
 * two: a request made stale by a newer keystroke stops within one run instead of after the
 * whole prompt (a 440-token prompt is one 80-140 ms run on two cores; in runs of 160 it costs
 * the same in all, in runs of 64 ~40% more).
 */
const PREFILL_CHUNK = 160;

/**
 * Lets queued events in between two model runs. onnxruntime answers each run on this thread, so
 * without a macrotask boundary a cancel (or a newer request) posted meanwhile is only heard once
 * the whole generation is over.
 */
const betweenRuns = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Greedy decoding with a KV cache that survives between requests: each request feeds only the
 * tokens after the longest prefix it shares with what the cache already holds, so typing on
 * costs a few tokens rather than the whole prompt. The last prompt token is backed up and the
 * first new tokens must re-spell it (token healing), so a cursor inside a word still completes
 * it naturally.
 *
 * Drafts make it cheaper without changing what it writes: the continuation the previous request
 * produced (when the user typed what it said) or what followed the same tokens earlier in the
 * text is fed together with the pending token, and one run scores every drafted position; the
 * draft is kept as far as it matches the model's own greedy choices.
 */
export class Decoder {
  private cachedIds: number[] = [];
  private cache: KvCache;
  /** The previous request's prompt and what was generated after it. */
  private lastSequence: number[] = [];
  private readonly queue = new SerialQueue();
  private readonly healCache = new Map<string, Int32Array>();
  /** Reshape each step's scores, in order (the personal model plugs in here); none: the base model's own. */
  private processors: readonly LogitsProcessor[];
  /** The running request's `nearby` tokens. */
  private nearby: readonly number[] = [];

  private readonly drafts: boolean;

  constructor(
    private readonly model: OnnxModel,
    private readonly tokenizer: Tokenizer,
    options: { drafts?: boolean; processors?: readonly LogitsProcessor[] } = {},
  ) {
    this.cache = model.emptyCache();
    this.drafts = (options.drafts ?? true) && model.scoresDrafts;
    this.processors = options.processors ?? [];
  }

  /** Replaces the logits processors; decoding uses them from its next model run. */
  useProcessors(processors: readonly LogitsProcessor[]): void {
    this.processors = [...processors];
  }

  generate(request: GenerateRequest): Promise<Generation> {
    return this.queue.run(() => this.run(request));
  }

  /**
   * Feeds a prompt into the cache without generating, so that the next request that starts
   * with it (the user typing at a spot they just moved to) feeds only what they typed.
   * Resolves with the number of tokens fed; an aborted signal stops it between two runs.
   */
  warm(promptIds: readonly number[], signal?: AbortSignal): Promise<number> {
    return this.queue.run(async () => {
      // the last token is backed up by token healing: the cache holds everything before it
      const prompt = promptIds.slice(0, -1);
      const reused = Math.min(commonPrefix(this.cachedIds, prompt), prompt.length);
      this.cut(reused);
      const before = this.cachedIds.length;
      await this.prefill(prompt.slice(reused), 0, signal);
      this.lastSequence = [...this.cachedIds];
      return this.cachedIds.length - before;
    });
  }

  /**
   * Feeds `ids` into the cache in runs of PREFILL_CHUNK, keeping the last `keep` of them back
   * for the caller's own run (which needs their scores); returns those kept-back ids.
   */
  private async prefill(ids: readonly number[], keep: number, signal: AbortSignal | undefined): Promise<number[]> {
    let rest = ids.slice();
    while (rest.length > keep && !signal?.aborted) {
      const n = Math.min(PREFILL_CHUNK, rest.length - keep);
      // cache only: these positions' scores are never read
      const out = await this.model.step(rest.slice(0, n), this.cache, 1);
      this.cache = out.cache;
      this.cachedIds.push(...rest.slice(0, n));
      rest = rest.slice(n);
      await betweenRuns();
    }
    return rest;
  }

  private async run(req: GenerateRequest): Promise<Generation> {
    const started = performance.now();
    this.nearby = req.nearby ?? [];
    const ids = req.promptIds;
    const heal = ids.length > 1 ? (this.tokenizer.vocabText[ids[ids.length - 1] ?? 0] ?? '') : '';
    const prompt = heal ? ids.slice(0, -1) : ids.slice();
    const reused = Math.max(0, Math.min(commonPrefix(this.cachedIds, prompt), prompt.length - 1));
    this.cut(reused);
    const eos = this.model.info.eosTokenId;
    const budget = Math.min(req.maxNewTokens, this.model.info.maxPositions - prompt.length - 1);
    const generated: number[] = [];
    const unseen = prompt.slice(reused);
    let pending = await this.prefill(unseen, PREFILL_CHUNK, req.signal);
    let draft = this.previousDraft(prompt);
    let text = '';
    let result: string | undefined;
    let fed = unseen.length - pending.length;
    let drafted = 0;
    let accepted = 0;
    let ended = false;
    let unhealed = heal; // what the generated tokens have yet to re-spell
    try {
      while (pending.length > 0 && generated.length < budget && result === undefined && !ended) {
        if (req.signal?.aborted) break;
        const room = Math.min(
          budget - generated.length - 1,
          this.model.info.maxPositions - this.cachedIds.length - pending.length - 1,
        );
        const proposal = this.drafts ? draft.slice(0, Math.max(0, Math.min(MAX_DRAFT, room))) : [];
        const base = this.cachedIds.length + pending.length;
        const rows = await this.feed([...pending, ...proposal], proposal.length + 1);
        fed += pending.length + proposal.length;
        drafted += proposal.length;
        pending = [];
        let kept = 0; // drafted tokens the model agreed with in this run
        for (let j = 0; j < rows.length; j++) {
          const allowed = unhealed ? this.allowed(unhealed) : undefined;
          const row = rows.at(j, allowed);
          const next = allowed ? argmaxOf(row, allowed) : argmax(row);
          if (next === eos) {
            ended = true;
            break;
          }
          generated.push(next);
          const spelled = this.tokenizer.vocabText[next] ?? '';
          unhealed = spelled.length < unhealed.length ? unhealed.slice(spelled.length) : '';
          text = this.tokenizer.decode(generated).slice(heal.length);
          result = req.stop(text);
          const agreed = j < proposal.length && next === proposal[j];
          if (agreed) kept++;
          if (result !== undefined || generated.length >= budget) break;
          if (!agreed) {
            pending = [next];
            break;
          }
        }
        accepted += kept;
        // what the cache holds beyond the kept tokens was drafted wrongly
        this.cut(base + kept);
        draft = pending.length > 0 ? lookupDraft([...this.cachedIds, ...pending]) : [];
        if (pending.length > 0) await betweenRuns();
      }
    } finally {
      this.lastSequence = [...prompt, ...generated];
    }
    // Out of budget or at the end of text: let the stop rule cut what there is as a finished line.
    result ??= req.stop(text + '\n') ?? text;
    return {
      text: withoutPartialCharacter(result),
      tokens: generated.length,
      reused,
      fed,
      drafted,
      accepted,
      ms: performance.now() - started,
    };
  }

  /** The rest of the previous request's output, if this prompt is where it was heading. */
  private previousDraft(prompt: readonly number[]): number[] {
    const last = this.lastSequence;
    if (last.length <= prompt.length || commonPrefix(last, prompt) < prompt.length) return lookupDraft(prompt);
    return last.slice(prompt.length, prompt.length + MAX_DRAFT);
  }

  private cut(length: number): void {
    if (length >= this.cachedIds.length) return;
    this.cache = this.cache.truncate(length);
    this.cachedIds.length = length;
  }

  /**
   * Feeds ids; returns the next-token scores after each of the last `logitsAt` of them. The
   * processors reshape a row only when it is read: decoding stops reading a draft's rows at the
   * first one the model disagrees with, and the personal model's work on the rest would be lost.
   */
  private async feed(ids: readonly number[], logitsAt = 1): Promise<ScoredRows> {
    const out = await this.model.step(ids, this.cache, logitsAt);
    this.cache = out.cache;
    this.cachedIds.push(...ids);
    const v = this.model.info.vocabSize;
    const { processors, nearby } = this;
    const d = this.model.info.hiddenSize;
    const first = ids.length - logitsAt;
    // what the cache holds now: row j's context ends logitsAt - 1 - j ids before its end
    const context = processors.length > 0 ? this.cachedIds.slice() : [];
    return {
      length: logitsAt,
      at: (j, allowed) => {
        const row = out.rows.subarray(j * v, (j + 1) * v);
        if (processors.length === 0) return row;
        return runProcessors(processors, row, {
          context: context.slice(0, context.length - logitsAt + j + 1),
          hidden: out.hidden,
          hiddenOffset: (first + j) * d,
          allowed,
          nearby,
        });
      },
    };
  }

  /**
   * Tokens that can re-spell the backed-up text: those that start with it, and those that spell
   * a first part of it (the rest then follows), since training split "\n    foo" as "\n   " + " foo".
   */
  private allowed(prefix: string): Int32Array {
    let ids = this.healCache.get(prefix);
    if (!ids) {
      const list: number[] = [];
      this.tokenizer.vocabText.forEach((t, i) => {
        if (t.startsWith(prefix) || (t.length > 0 && prefix.startsWith(t))) list.push(i);
      });
      ids = Int32Array.from(list);
      if (this.healCache.size > 512) this.healCache.clear();
      this.healCache.set(prefix, ids);
    }
    return ids;
  }
}

/** A run's next-token scores, row j after the j-th of the ids scored. */
interface ScoredRows {
  readonly length: number;
  /** `allowed`: the tokens decoding may choose from this row (undefined: any). */
  at(j: number, allowed?: Int32Array): Float32Array;
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Prompt lookup: the tokens that followed the latest earlier occurrence of the sequence's last
 * three (or two) tokens. Code repeats itself, so this is often what comes next.
 */
export function lookupDraft(seq: readonly number[], max = 8): number[] {
  for (const n of [3, 2]) {
    if (seq.length <= n) continue;
    const end = seq.length - n;
    for (let i = end - 1; i >= 0 && i >= end - 2048; i--) {
      let k = 0;
      while (k < n && seq[i + k] === seq[end + k]) k++;
      if (k === n) return seq.slice(i + n, Math.min(i + n + max, seq.length));
    }
  }
  return [];
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
