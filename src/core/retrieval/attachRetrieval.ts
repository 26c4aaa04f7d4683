import type { WorkspaceScope } from '../adapt/workerProtocol';
import type { LoadedEngine } from '../engine/load';
import { RetrievalIndex, type RetrievalBounds } from './retrievalIndex';
import { RetrievalSnippets } from './retrievalSnippets';
import { WorkspaceRetrieval } from './workspaceRetrieval';

/**
 * An empty workspace index whose windows the engine's prompts may borrow from now on; what
 * `build` and `update` add is used at once. The completion worker and `ondi eval completion
 * --train` wire it the same way.
 */
export function attachRetrieval(
  engine: Pick<LoadedEngine, 'pipeline' | 'tokenizer' | 'info'>,
  log?: (message: string) => void,
  bounds?: RetrievalBounds,
): WorkspaceRetrieval {
  const index = new RetrievalIndex(bounds);
  engine.pipeline.useRetrieval(new RetrievalSnippets(index, engine.tokenizer, engine.info.eosTokenId));
  return new WorkspaceRetrieval(index, log);
}

/** A training folder as the extension scopes a one-folder workspace (.gitignore respected). */
export function trainScope(folder: string): WorkspaceScope {
  return { folders: [folder], excludeGlobs: [], respectGitignore: true };
}
