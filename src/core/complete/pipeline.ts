import type { Decoder } from '../model/decoder';
import type { LogitsProcessor } from '../model/logitsProcessor';
import type { Tokenizer } from '../model/tokenizer';
import { promptText, tokenWindow } from './context';
import { postprocess } from './postprocess';
import { prefilter } from './prefilter';
import { completionMode, stopRule } from './stopRules';
import { RecentFiles } from './recentFiles';
import { bestMatch, withSnippet, type RetrievalSource, type SnippetSource } from './snippets';
import { SuggestionCache } from './suggestionCache';
import type { Completion, CompletionEngine, CompletionRequest } from './types';

export interface PipelineOptions {
  /** Prompt budget in tokens (the model was trained on 512-token windows). */
  readonly maxPromptTokens: number;
  /** The token that separates documents (the model's end-of-text). */
  readonly documentStart: number;
  /** Serve suggestions the user is typing into from memory (off in benchmarks of the model path). */
  readonly suggestionCache?: boolean;
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
  private retrieval: RetrievalSource | undefined;

  constructor(
    readonly decoder: Decoder,
    private readonly tokenizer: Tokenizer,
    private readonly options: PipelineOptions,
  ) {
    this.recentFiles = new RecentFiles(tokenizer, options.documentStart);
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
    const prompt = promptText(request.prefix, this.options.maxPromptTokens * 6);
    // A prompt that starts at the top of the file starts after the document separator, as the
    // model saw every file in training (and is never empty).
    const encoded = this.tokenizer.encode(prompt.text);
    const whole = prompt.droppedLines === 0 && prompt.text.length === request.prefix.length;
    const fileIds = whole ? [this.options.documentStart, ...encoded] : encoded;
    const snippet = bestMatch([
      this.recentFiles.match(fileIds, request.path),
      this.personalization?.snippets?.match(fileIds),
      this.retrieval?.match(fileIds, request.prefix, request.path),
    ]);
    const ids = withSnippet(
      fileIds,
      snippet?.ids,
      this.options.documentStart,
      this.options.maxPromptTokens,
      tokenWindow,
    );
    if (signal.aborted) return undefined;
    const generation = await this.decoder.generate({
      promptIds: ids,
      maxNewTokens: request.maxTokens,
      stop: stopRule(mode),
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

  /** Forget remembered suggestions (after the model or adapter changes). */
  reset(): void {
    this.cache.clear();
  }
}
