import { NothingToLearnError } from '../../core/adapt/trainWorkspace';
import { collectWorkspace, type Workspace } from '../../core/adapt/workspaceSources';
import { UsageError } from '../args';

/**
 * The folder a personal model learns from, as the extension collects a workspace (.gitignore
 * respected), listed without reading it; a missing folder or one without source files is a
 * usage error, found before the model loads.
 */
export async function collectTrainingFolder(
  dir: string,
  option: string,
  log: (message: string) => void,
): Promise<Workspace> {
  const workspace = await collectWorkspace(
    { folders: [dir], excludeGlobs: [], respectGitignore: true },
    {
      log,
      unreadableFolder: (_folder, error) => {
        throw new UsageError(
          `--${option} ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        );
      },
    },
  );
  if (workspace.sources.length === 0) throw new UsageError(`no source files to learn from under ${dir}`);
  return workspace;
}

/** Listed files that all turned out unreadable: said as a usage error about the folder. */
export function nothingReadableUnder(dir: string): (error: unknown) => never {
  return (error) => {
    throw error instanceof NothingToLearnError
      ? new UsageError(`no readable source files to learn from under ${dir}`)
      : error;
  };
}
