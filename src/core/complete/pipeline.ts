import type { Decoder } from '../model/decoder';
import type { LogitsProcessor } from '../model/logitsProcessor';
import type { Tokenizer } from '../model/tokenizer';
import { promptText, tokenWindow } from './context';
import { EarlierTokens } from './earlierTokens';
import { postprocess } from './postprocess';
import { prefilter } from './prefilter';
import { completionMode, stopRule, withinBudget } from './stopRules';
import { RecentFiles } from './recentFiles';
import { bestMatch, withSnippet, type RetrievalSource, type SnippetMatch, type SnippetSource } from './snippets';
import { SuggestionCache } from './suggestionCache';
import type { Completion, CompletionEngine, CompletionRequest } from './types';

export interface PipelineOptions {
  /** Prompt budget in tokens (the model was trained on 512-token windows). */
  readonly maxPromptTokens: number;
  /** The token that separates documents (the model's end-of-text). */
  readonly documentStart: number;
  /** Serve suggestions the user is typing into from memory (off in benchmarks of the model path). */
  readonly suggestionCache?: boolean;
  /** Milliseconds a block may grow before it ends at its last whole line (see withinBudget; default: no limit). */
  readonly blockBudgetMs?: number;
}

export interface PipelineTrace {
  readonly skipped?: string;
  readonly cached?: boolean;
  readonly reused?: number;
  readonly drafted?: number;
  readonly accepted?: number;
  readonly fed?: number;
  readonly tokens?: number;
  /** Tokens of code from elsewhere that went in front of the prompt. */
  readonly snippet?: number;
}

/** What the user's code taught, as the pipeline uses it. */
export interface Personalization {
  /** Reshape each decoding step's scores, in this order. */
  readonly processors: readonly LogitsProcessor[];
  /** The learned code to show the model next to the file. */
  readonly snippets?: SnippetSource | undefined;
}

/**
 * prefilter -> cache -> context (+ snippet) -> generate -> postprocess -> cache. Every stage is its own
 * module; this one only threads a request through them and honours the AbortSignal.
 */
export class CompletionPipeline implements CompletionEngine {
  private readonly cache = new SuggestionCache();
  /** What happened to the last request (for the CLI, benchmarks and the log). */
  lastTrace: PipelineTrace = {};
  private personalization: Personalization | undefined;
  private readonly recentFiles: RecentFiles;
  private readonly earlierTokens: EarlierTokens;
  private retrieval: RetrievalSource | undefined;
  /** The spot of the last prompt and what was chosen there. */
  private lastSpot: SpotChoice | undefined;

  constructor(
    readonly decoder: Decoder,
    private readonly tokenizer: Tokenizer,
    private readonly options: PipelineOptions,
  ) {
    this.recentFiles = new RecentFiles(tokenizer, options.documentStart);
    this.earlierTokens = new EarlierTokens(tokenizer);
  }

  /** What personalizes completions now (undefined: the base model alone). */
  get personal(): Personalization | undefined {
    return this.personalization;
  }

  /**
   * Completes with what the user's code taught (undefined: with the base model alone) and
   * forgets remembered suggestions, which the previous model made.
   */
  personalize(personal: Personalization | undefined): void {
    this.personalization = personal;
    this.decoder.useProcessors(personal?.processors ?? []);
    this.reset();
  }

  /** Code of the whole workspace that may lend snippets (undefined: none). */
  useRetrieval(source: RetrievalSource | undefined): void {
    this.retrieval = source;
    this.reset();
  }

  /** A file the user worked in (left or saved): its code may lend snippets to other files. */
  noteFile(path: string, text: string): void {
    this.recentFiles.note(path, text);
    // code that just became available may make a better snippet at the current spot
    this.lastSpot = undefined;
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion | undefined> {
    const started = performance.now();
    const linePrefix = request.prefix.slice(request.prefix.lastIndexOf('\n') + 1);
    const newline = request.suffix.indexOf('\n');
    const lineSuffix = newline >= 0 ? request.suffix.slice(0, newline) : request.suffix;
    const gate = prefilter(linePrefix, lineSuffix);
    if (!gate.go) {
      this.lastTrace = { skipped: gate.reason };
      return undefined;
    }
    const hit = this.options.suggestionCache === false ? undefined : this.cache.get(request.prefix);
    if (hit !== undefined) {
      this.lastTrace = { cached: true };
      return { text: hit, ms: performance.now() - started, cached: true };
    }
    const mode = completionMode(request.prefix);
    const { ids, snippet, nearby } = this.prompt(request);
    if (signal.aborted) return undefined;
    const generation = await this.decoder.generate({
      promptIds: ids,
      nearby,
      maxNewTokens: request.maxTokens,
      stop: withinBudget(stopRule(mode), mode, this.options.blockBudgetMs ?? Infinity),
      signal,
    });
    this.lastTrace = {
      reused: generation.reused,
      fed: generation.fed,
      tokens: generation.tokens,
      drafted: generation.drafted,
      accepted: generation.accepted,
      ...(snippet ? { snippet: snippet.ids.length } : {}),
    };
    if (signal.aborted) return undefined;
    const text = postprocess({ completion: generation.text, linePrefix });
    if (!text) return undefined;
    this.cache.set(request.prefix, text);
    return { text, ms: performance.now() - started };
  }

  /**
   * Feeds the prompt of a spot the user moved to into the decoder's cache ahead of their first
   * keystroke there, so the completion it triggers feeds only what they typed. Resolves with
   * the number of tokens fed (0 when the cache already held them or the spot gets no completion).
   */
  async prepare(request: CompletionRequest, signal: AbortSignal): Promise<number> {
    if (signal.aborted) return 0;
    return this.decoder.warm(this.prompt(request, WARM_HEADROOM).ids, signal);
  }

  /**
   * The model's input for a request: the file's window, with the best snippet from elsewhere in
   * front. While the user types on at one spot, the snippet and the window's start stay those
   * chosen there, so each keystroke's prompt extends the last one and the decoder feeds only
   * the new tokens. `headroom`: tokens a fresh spot's window leaves free for typing on.
   */
  private prompt(
    request: CompletionRequest,
    headroom = 0,
  ): { ids: readonly number[]; snippet: SnippetMatch | undefined; nearby: readonly number[] } {
    const spot = spotOf(request);
    const searched = this.retrieval?.version;
    const last = this.lastSpot;
    // new code in the workspace may make a better snippet at the same spot
    const kept = last && last.searched === searched && sameSpot(last.spot, spot) ? last : undefined;
    const prompt = promptText(request.prefix, this.options.maxPromptTokens * 6, kept?.droppedLines);
    // A prompt that starts at the top of the file starts after the document separator, as the
    // model saw every file in training (and is never empty).
    const encoded = this.tokenizer.encode(prompt.text);
    const whole = prompt.droppedLines === 0 && prompt.text.length === request.prefix.length;
    const fileIds = whole ? [this.options.documentStart, ...encoded] : encoded;
    const snippet = kept
      ? kept.snippet
      : bestMatch([
          this.recentFiles.match(fileIds, request.path),
          this.personalization?.snippets?.match(fileIds),
          this.retrieval?.match(fileIds, request.prefix, request.path),
        ]);
    const from = kept?.droppedLines === prompt.droppedLines ? kept.windowStart : undefined;
    let windowStart = 0;
    const window = (ids: readonly number[], max: number): readonly number[] => {
      const slice = from === undefined ? tokenWindow(ids, max - headroom) : tokenWindow(ids, max, undefined, from);
      windowStart = ids.length - slice.length;
      return slice;
    };
    const ids = withSnippet(fileIds, snippet?.ids, this.options.documentStart, this.options.maxPromptTokens, window);
    const nearby =
      kept && kept.droppedLines === prompt.droppedLines && kept.windowStart === windowStart
        ? kept.nearby
        : this.nearbyOf(request, prompt.text.length, fileIds.slice(0, windowStart));
    this.lastSpot = { spot, snippet, droppedLines: prompt.droppedLines, windowStart, searched, nearby };
    return { ids, snippet, nearby };
  }

  /**
   * Code near the cursor for the cache model, read only while a personal model is applied:
   * the workspace's windows most like the lines above the cursor, then the file above the
   * prompt (the text the prompt left out and the ids its token window dropped).
   */
  private nearbyOf(request: CompletionRequest, promptChars: number, dropped: readonly number[]): readonly number[] {
    if (!this.personalization) return [];
    const related = this.retrieval?.related?.(request.prefix, request.path, RELATED_WINDOWS) ?? [];
    const far = request.prefix.slice(0, request.prefix.length - promptChars);
    const above = far === '' ? dropped : [...this.earlierTokens.of(request.path, far), ...dropped];
    return related.length === 0 || above.length === 0
      ? [...related, ...above]
      : [...related, this.options.documentStart, ...above];
  }

  /** Forget remembered suggestions (after the model or adapter changes). */
  reset(): void {
    this.cache.clear();
    this.lastSpot = undefined;
  }
}

/** Where a request's line starts: the file and the text above that line. */
interface Spot {
  readonly path: string;
  readonly above: string;
}

function spotOf(request: CompletionRequest): Spot {
  return { path: request.path, above: request.prefix.slice(0, request.prefix.lastIndexOf('\n') + 1) };
}

/**
 * The user is typing on where they were: same file, on the same line or a few lines below
 * (Enter), with the text above the earlier line unchanged.
 */
function sameSpot(before: Spot, now: Spot): boolean {
  if (before.path !== now.path || !now.above.startsWith(before.above)) return false;
  let lines = 0;
  for (let i = before.above.length; i < now.above.length; i++) {
    if (now.above.charCodeAt(i) === 10 && ++lines > SAME_SPOT_LINES) return false;
  }
  return true;
}

/** What the prompt at a spot was made of, kept while the user types on there. */
interface SpotChoice {
  readonly spot: Spot;
  readonly snippet: SnippetMatch | undefined;
  readonly droppedLines: number;
  /** Where the file's token window started. */
  readonly windowStart: number;
  /** The retrieval index's version when the snippet was chosen. */
  readonly searched: number | undefined;
  /** Code near the cursor the prompt leaves out (the same array while the user types on here). */
  readonly nearby: readonly number[];
}

/** Workspace windows the cache model reads beside the file (8 and 16 gave the same lift). */
const RELATED_WINDOWS = 8;

/** Tokens a prepared spot's window leaves free, so typing there does not move its start. */
const WARM_HEADROOM = 32;

/** Lines the user may type on from where a snippet was chosen before it is chosen afresh. */
const SAME_SPOT_LINES = 2;
