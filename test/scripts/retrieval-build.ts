/**
 * How long the workspace retrieval index takes to build over real folders, what it holds, the
 * heap it adds and the longest the build held the thread (a timer that should fire every
 * 10 ms notes how late it was):
 *
 *   node --expose-gc --require tsx/cjs test/scripts/retrieval-build.ts FOLDER...
 */
import { RetrievalIndex } from '../../src/core/retrieval/retrievalIndex';
import { WorkspaceRetrieval } from '../../src/core/retrieval/workspaceRetrieval';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(folders: string[]): Promise<void> {
  if (folders.length === 0) throw new Error('usage: retrieval-build.ts FOLDER...');
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 10);
    last = now;
  }, 10);
  const index = new RetrievalIndex();
  const report = await new WorkspaceRetrieval(index).build({ folders, excludeGlobs: [], respectGitignore: true });
  clearInterval(tick);
  gc();
  const heapAdded = process.memoryUsage().heapUsed - heapBefore;
  const out = {
    ...report,
    indexed_files: index.fileCount,
    heap_added_mb: Math.round(heapAdded / 1e5) / 10,
    rss_mb: Math.round(process.memoryUsage().rss / 1e5) / 10,
    longest_hold_ms: Math.round(longest),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
