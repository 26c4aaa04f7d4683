import * as path from 'node:path';
import { saveWorkspaceModel, trainWorkspace, type WorkspaceTraining } from '../../core/adapt/trainWorkspace';
import type { Workspace } from '../../core/adapt/workspaceSources';
import { loadEngine } from '../../core/engine/load';
import { LEARNED_TOKENS } from '../../core/adapt/budget';
import { clearLeftovers } from '../../core/store/leftovers';
import { intOption, stringOption, type Options } from '../args';
import { checkWritableFile } from '../outputPath';
import { shippedModel } from '../paths';
import { collectTrainingFolder, nothingReadableUnder } from './trainingFiles';

/** `ondi adapt --dir D --out P [--max-tokens N]` */
export async function adapt(values: Options, progress: (text: string) => void) {
  const dir = stringOption(values, 'dir');
  const out = stringOption(values, 'out');
  const maxTokens = intOption(values, 'max-tokens', LEARNED_TOKENS);
  const log = (message: string): void => progress(`${message}\n`);
  // everything that can be wrong with the arguments is said before the model loads
  await checkWritableFile(out, 'out');
  const workspace = await collectTrainingFolder(dir, 'dir', log);
  // temporary files of earlier runs killed while writing (same rule as the extension's store)
  const cleared = await clearLeftovers(path.resolve(out));
  if (cleared > 0) log(`removed ${cleared} unfinished write${cleared === 1 ? '' : 's'} next to ${out}`);
  const training = await trainToFile(
    workspace,
    dir,
    out,
    { model: values.model ?? shippedModel(), maxTokens },
    progress,
  );
  const { trained } = training;
  return {
    tokens: trained.tokens.length,
    seconds: Math.round(trained.seconds * 100) / 100,
    out,
    files: training.meta.files,
    loss: trained.finalLoss,
  };
}

/**
 * Trains a personal model on a collected folder (`dir`, for the messages) and saves it to `out`:
 * the one way the command line makes a personal model file (`ondi adapt`, `ondi bench --personal`).
 */
export async function trainToFile(
  workspace: Workspace,
  dir: string,
  out: string,
  options: { readonly model: string; readonly maxTokens: number },
  progress: (text: string) => void,
): Promise<WorkspaceTraining> {
  const engine = await loadEngine(options.model);
  try {
    const training = await trainWorkspace(workspace, engine, {
      maxTokens: options.maxTokens,
      onProgress: (done, total) => {
        if (done % 20 === 0 || done === total) progress(`adapt ${done}/${total}\n`);
      },
    }).catch(nothingReadableUnder(dir));
    await saveWorkspaceModel(out, engine.info.modelId, training);
    return training;
  } finally {
    await engine.dispose();
  }
}
