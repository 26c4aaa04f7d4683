import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdapterFileError, readAdapterHeader } from '../../core/adapt/adapterFile';
import { AdapterProcessor } from '../../core/adapt/personalModel';
import type { LoadedEngine } from '../../core/engine/load';
import { ALL_PERSONAL_PARTS, applyPersonal, type PersonalPart } from '../../core/engine/modelEngine';
import { leaveOutRepeats, trainLinesOf } from '../../core/eval/repeatedFiles';
import { readSourceFiles } from '../../core/privacy/sourceFiles';
import { UsageError } from '../args';
import { shippedModel } from '../paths';
import { LEARNED_TOKENS } from '../../core/adapt/budget';
import { trainToFile } from './adapt';
import { collectTrainingFolder } from './trainingFiles';

/** What `ondi bench --personal D2` makes before any model is measured. */
export interface PersonalBench {
  /** The personal model file, trained on D2 as `ondi adapt` trains it (the extension's budget). */
  readonly file: string;
  /** A copy of the typed folder's files that repeat no file of D2: what every model types through. */
  readonly typedDir: string;
  readonly adapt: { readonly tokens: number; readonly seconds: number; readonly files: number };
  readonly typedFiles: number;
  /** Typed-folder files left out because at least half of their lines stand in one file of D2. */
  readonly leftOut: number;
  dispose(): Promise<void>;
}

/**
 * Trains the personal model on `personalDir` and picks the files of `typingDir` it did not
 * learn, with the line-completion protocol's rule: a renamed or copied file would let the
 * personal model's cache recall what it types, which the user's new code does not allow.
 * Every model in the run types through the same files, so base and personal stay comparable.
 */
export async function preparePersonalBench(
  typingDir: string,
  personalDir: string,
  progress: (text: string) => void,
  /** A personal model file already trained on personalDir (`--adapter`): used as it is. */
  trainedFile?: string,
): Promise<PersonalBench> {
  const log = (message: string): void => progress(`${message}\n`);
  // what can be wrong with the folders is said before anything is trained
  const workspace = await collectTrainingFolder(personalDir, 'personal', log);
  const files = await readSourceFiles(typingDir).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--dir ${typingDir} cannot be read (${error.code ?? error.message})`);
  });
  const { kept, leftOut } = leaveOutRepeats(files, await trainLinesOf(personalDir));
  if (kept.length === 0)
    throw new UsageError(
      `every source file under ${typingDir} repeats a file of ${personalDir}: nothing unseen to type`,
    );
  progress(`typing through ${kept.length} of ${files.length} files (${leftOut.length} repeat a learned file)\n`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-bench-personal-'));
  const dispose = (): Promise<void> => fs.rm(work, { recursive: true, force: true });
  try {
    const typedDir = path.join(work, 'typed');
    for (const f of kept) {
      const copy = path.join(typedDir, path.relative(typingDir, f.path));
      await fs.mkdir(path.dirname(copy), { recursive: true });
      await fs.writeFile(copy, f.text);
    }
    if (trainedFile !== undefined) {
      const { header } = await readAdapterHeader(trainedFile).catch((error: unknown) => {
        throw error instanceof AdapterFileError ? new UsageError(`--adapter ${error.message}`) : error;
      });
      const adapt = { tokens: header.tokens, seconds: 0, files: Number(header.meta['files'] ?? 0) };
      progress(`personal model: ${trainedFile} (${adapt.tokens} tokens), not trained again\n`);
      return { file: trainedFile, typedDir, adapt, typedFiles: kept.length, leftOut: leftOut.length, dispose };
    }
    const file = path.join(work, 'personal.ondi');
    progress(`training the personal model on ${personalDir}...\n`);
    const { trained, meta } = await trainToFile(
      workspace,
      personalDir,
      file,
      { model: shippedModel(), maxTokens: LEARNED_TOKENS },
      progress,
    );
    const adapt = {
      tokens: trained.tokens.length,
      seconds: Math.round(trained.seconds * 100) / 100,
      files: meta.files,
    };
    progress(`personal model: ${adapt.tokens} tokens from ${adapt.files} files in ${adapt.seconds} s\n`);
    return { file, typedDir, adapt, typedFiles: kept.length, leftOut: leftOut.length, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Applies the personal model file by its path, as the editor does; says what it added and took. */
export async function applyPersonalFile(
  engine: LoadedEngine,
  file: string,
  parts: readonly PersonalPart[] = ALL_PERSONAL_PARTS,
) {
  const started = performance.now();
  await applyPersonal(engine, file, parts).catch((error: unknown) => {
    throw error instanceof AdapterFileError ? new UsageError(`--adapter ${error.message}`) : error;
  });
  const ms = performance.now() - started;
  const adapters = (engine.pipeline.personal?.processors ?? []).filter((p) => p instanceof AdapterProcessor);
  const params = adapters.reduce((n, { adapter: { shape } }) => n + shape.rank * (shape.hidden + shape.vocab), 0);
  const { size: bytes } = await fs.stat(file);
  return { ms, params, bytes };
}
