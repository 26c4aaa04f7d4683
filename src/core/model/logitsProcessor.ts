/** What a processor may read at one decoding step. */
export interface DecodingStep {
  /** The tokens so far (prompt and generated), up to and including the one just fed. */
  readonly context: readonly number[];
  /** The model's final hidden states of the run; this step's row starts at hiddenOffset. */
  readonly hidden: Float32Array;
  readonly hiddenOffset: number;
  /** The only tokens decoding may choose here (token healing); undefined: any token. */
  readonly allowed?: Int32Array | undefined;
  /**
   * Code near the cursor that the prompt leaves out: the workspace's windows most like the
   * lines above the cursor, then the file above the prompt's window (each after a document
   * separator). The same array while the user types on at one spot.
   */
  readonly nearby?: readonly number[];
}

/**
 * Reshapes one step's next-token scores, as transformers.js's logits processors do: it may
 * change the scores in place and returns the scores decoding goes on with.
 */
export interface LogitsProcessor {
  process(scores: Float32Array, step: DecodingStep): Float32Array;
}

/** Runs the processors in order, each on what the one before returned. */
export function runProcessors(
  processors: readonly LogitsProcessor[],
  scores: Float32Array,
  step: DecodingStep,
): Float32Array {
  let out = scores;
  for (const processor of processors) out = processor.process(out, step);
  return out;
}
