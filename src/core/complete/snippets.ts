/**
 * Code from elsewhere that the prompt carries in front of the file: the user's own code most
 * like the lines above the cursor. Given the prompt's token ids, a source returns its best
 * snippet, or undefined when nothing is similar enough to be worth the space.
 */
export interface SnippetMatch {
  readonly ids: readonly number[];
  /** Share of tokens the snippet and the lines above the cursor have in common (0-1). */
  readonly similarity: number;
}

export interface SnippetSource {
  match(promptIds: readonly number[]): SnippetMatch | undefined;
}

/**
 * Code found anywhere in the workspace (core/retrieval): searched by the text above the
 * cursor, never from the file being completed (`path`).
 */
export interface RetrievalSource {
  /** Changes whenever the code searched changes (a file indexed or forgotten). */
  readonly version?: number;
  match(promptIds: readonly number[], prefix: string, path: string): SnippetMatch | undefined;
  /** Tokens of the `k` windows most like the lines above the cursor (for the cache model). */
  related?(prefix: string, path: string, k: number): readonly number[];
}

/** The most similar of several sources' snippets. */
export function bestMatch(matches: readonly (SnippetMatch | undefined)[]): SnippetMatch | undefined {
  let best: SnippetMatch | undefined;
  for (const m of matches) if (m && (!best || m.similarity > best.similarity)) best = m;
  return best;
}

/**
 * The model's input: the snippet as a document of its own, then the file's window. The file's
 * window gives up the snippet's room, and keeps its start steady while the user types on.
 */
export function withSnippet(
  fileIds: readonly number[],
  snippet: readonly number[] | undefined,
  separator: number,
  maxTokens: number,
  window: (ids: readonly number[], max: number) => readonly number[],
): readonly number[] {
  if (!snippet || snippet.length === 0) return window(fileIds, maxTokens);
  const room = maxTokens - snippet.length - 2;
  const file = window(fileIds, room);
  return [separator, ...snippet, ...(file[0] === separator ? file : [separator, ...file])];
}
