import type { LearnedMeta } from './workerProtocol';

/** What the lift may be measured on: the files the personal model did not learn, or why there are none. */
export type LiftSources<S> =
  | { readonly sources: readonly S[]; readonly none?: undefined }
  | { readonly sources: readonly []; readonly none: string };

/**
 * The workspace's files the personal model did not learn, in their order (newest first): every
 * file in its training set is left out, however much it changed since. A file changed after
 * the training still holds the lines it learned, so it would measure recall, not lift. A model
 * file that names only part of what it learned (written before the whole list was kept) leaves
 * no file it provably did not learn.
 */
export function unlearnedSources<S extends { readonly label: string }>(
  sources: readonly S[],
  meta: Pick<LearnedMeta, 'files' | 'fileList'>,
): LiftSources<S> {
  if (meta.fileList.length < meta.files)
    return {
      sources: [],
      none: `the personal model names only ${meta.fileList.length} of the ${meta.files} files it learned, so no file is known to be new to it; train it again to measure`,
    };
  const learned = new Set(meta.fileList);
  const unlearned = sources.filter((s) => !learned.has(s.label));
  if (unlearned.length === 0)
    return {
      sources: [],
      none: `the personal model learned every file in this workspace (${meta.files}), so there is no code it has not seen to measure on; add a file and measure again`,
    };
  return { sources: unlearned };
}

/** No file the personal model did not learn: the lift is not measured rather than measured on what it learned. */
export class NothingUnlearnedError extends Error {
  override readonly name = 'NothingUnlearnedError';
}
