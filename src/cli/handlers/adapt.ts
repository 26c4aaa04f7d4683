import * as path from 'node:path';
import { readDocuments, workspaceSecrets } from '../../core/adapt/workspaceDocuments';
import { trainPersonal } from '../../core/adapt/trainPersonal';
import { writeAdapterFile } from '../../core/adapt/adapterFile';
import { loadEngine } from '../../core/engine/load';
import { clearLeftovers } from '../../core/store/leftovers';
import { namingFile } from '../../core/store/writeError';
import { intOption, stringOption, UsageError, type Options } from '../args';
import { checkWritableFile } from '../outputPath';
import { shippedModel } from '../paths';
import { listTrainingFiles } from './trainingFiles';

/** The budget the extension itself trains with. */
export const DEFAULT_ADAPT_TOKENS = 100_000;

/** `ondi adapt --dir D --out P [--max-tokens N]` */
export async function adapt(values: Options, progress: (text: string) => void) {
  const dir = stringOption(values, 'dir');
  const out = stringOption(values, 'out');
  const maxTokens = intOption(values, 'max-tokens', DEFAULT_ADAPT_TOKENS);
  const log = (message: string): void => progress(`${message}\n`);
  // everything that can be wrong with the arguments is said before the model loads
  await checkWritableFile(out, 'out');
  const files = await listTrainingFiles(dir, 'dir', log);
  // temporary files of earlier runs killed while writing (same rule as the extension's store)
  const cleared = await clearLeftovers(path.resolve(out));
  if (cleared > 0) log(`removed ${cleared} unfinished write${cleared === 1 ? '' : 's'} next to ${out}`);
  const engine = await loadEngine(values.model ?? shippedModel());
  try {
    const countTokens = (text: string): number => engine.tokenizer.encode(text).length;
    const collected = await readDocuments(files, {
      known: await workspaceSecrets(dir),
      budget: { maxTokens, countTokens },
      log,
    });
    if (collected.documents.length === 0) throw new UsageError(`no readable source files to learn from under ${dir}`);
    const trained = await trainPersonal(engine.model, engine.tokenizer, collected.documents, {
      maxTokens,
      onProgress: (done, total) => {
        if (done % 20 === 0 || done === total) progress(`adapt ${done}/${total}\n`);
      },
    });
    await writeAdapterFile(out, {
      modelId: engine.info.modelId,
      adapter: trained.adapter,
      tokens: trained.tokens,
      knn: trained.knn,
      meta: {
        files: trained.documents,
        redactions: collected.redactions,
        createdAt: new Date().toISOString(),
        sampling:
          'most recently modified files first (read only until the token budget is spent), .gitignore respected',
        adapterApplied: trained.useAdapter,
        ...(trained.validation ? { validation: trained.validation } : {}),
      },
    }).catch((error: unknown) => {
      throw namingFile(error, out);
    });
    return {
      tokens: trained.tokens.length,
      seconds: Math.round(trained.seconds * 100) / 100,
      out,
      files: trained.documents,
      loss: trained.finalLoss,
    };
  } finally {
    await engine.dispose();
  }
}
