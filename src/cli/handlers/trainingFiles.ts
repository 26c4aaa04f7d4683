import { learnableFiles } from '../../core/adapt/workspaceDocuments';
import type { SourceEntry } from '../../core/privacy/sourceFiles';
import { UsageError } from '../args';

/**
 * The files a personal model learns from under `dir` (the extension's collection: .gitignore
 * respected), listed without reading them; a missing folder or one without source files is a
 * usage error, found before the model loads.
 */
export async function listTrainingFiles(
  dir: string,
  option: string,
  log: (message: string) => void,
): Promise<SourceEntry[]> {
  let files: SourceEntry[];
  try {
    ({ files } = await learnableFiles(dir, { respectGitignore: true, log }));
  } catch (error) {
    throw new UsageError(
      `--${option} ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (files.length === 0) throw new UsageError(`no source files to learn from under ${dir}`);
  return files;
}
