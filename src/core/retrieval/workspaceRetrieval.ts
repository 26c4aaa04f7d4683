import { promises as fs } from 'node:fs';
import { collectWorkspace, type Workspace } from '../adapt/workspaceSources';
import type { WorkspaceScope } from '../adapt/workerProtocol';
import { isSourceName, listSourceFiles, MAX_FILE_BYTES, readSourceText } from '../privacy/sourceFiles';
import type { RetrievalIndex } from './retrievalIndex';

export interface BuildReport {
  readonly files: number;
  readonly windows: number;
  readonly ms: number;
  /** The bound was reached: older files were left out. */
  readonly full: boolean;
}

/**
 * Keeps a RetrievalIndex over every file of the workspace that Ondi may learn from (the same
 * selection as learning: the never-learn list, `ondi.disabledGlobs` and `files.exclude`,
 * .gitignore, secrets left out window by window). `build` reads the files newest first,
 * asynchronously, one at a time, so whoever shares the thread (completions) goes on between
 * two files; `update` follows one path that was saved, created, renamed or deleted.
 */
export class WorkspaceRetrieval {
  private workspace: Workspace | undefined;
  /** Bumped by each build: an older build still running stops at its next file. */
  private generation = 0;

  constructor(
    readonly index: RetrievalIndex,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /**
   * `pause` is awaited before each file: the completion worker holds the build there while a
   * completion or a warm-up is open, so reading and indexing files never lengthens one.
   */
  async build(scope: WorkspaceScope, pause: () => Promise<void> = async () => undefined): Promise<BuildReport> {
    const started = performance.now();
    const generation = ++this.generation;
    const workspace = await collectWorkspace(scope, { log: this.log });
    if (generation !== this.generation) return this.report(started, false);
    this.workspace = workspace;
    // files of folders no longer open, or now excluded, are forgotten
    for (const known of this.index.paths) if (!workspace.allowed(known)) this.index.remove(known);
    let full = false;
    for (const source of workspace.sources) {
      // a file saved while the build ran was indexed by its update, with newer text
      if (this.index.has(source.path)) continue;
      await pause();
      if (generation !== this.generation) break;
      const text = await readSourceText(source.path, { log: this.log });
      if (generation !== this.generation) break;
      if (text === undefined) continue;
      if (this.index.add(source.path, text, source.mtimeMs, workspace.secrets) === 'full') {
        full = true;
        break;
      }
    }
    return this.report(started, full);
  }

  /**
   * The file or folder at `path` changed on disk: its text is indexed again, a new folder's
   * files are indexed, and what no longer exists or may not be learned is forgotten.
   */
  async update(path: string): Promise<void> {
    const workspace = this.workspace;
    const stat = await fs.lstat(path).catch(() => undefined);
    if (!workspace || !stat || !workspace.allowed(path)) {
      this.index.remove(path);
      return;
    }
    if (stat.isDirectory()) {
      const entries = await listSourceFiles(path, { log: this.log }).catch(() => []);
      for (const entry of entries) if (workspace.allowed(entry.path)) await this.addFile(entry.path, entry.mtimeMs);
    } else if (stat.isFile() && stat.size <= MAX_FILE_BYTES && isSourceName(path)) {
      await this.addFile(path, stat.mtimeMs);
    } else {
      this.index.remove(path);
    }
  }

  private async addFile(path: string, mtimeMs: number): Promise<void> {
    const text = await readSourceText(path, { log: this.log });
    if (text === undefined) this.index.remove(path);
    else this.index.add(path, text, mtimeMs, this.workspace?.secrets ?? []);
  }

  private report(started: number, full: boolean): BuildReport {
    return {
      files: this.index.fileCount,
      windows: this.index.windowCount,
      ms: Math.round(performance.now() - started),
      full,
    };
  }
}
