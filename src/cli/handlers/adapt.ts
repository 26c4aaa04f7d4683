import { collectDocuments } from '../../core/adapt/workspaceDocuments';
import { trainPersonal } from '../../core/adapt/trainPersonal';
import { writeAdapterFile } from '../../core/adapt/adapterFile';
import { loadEngine } from '../../core/loadEngine';
import { intOption, stringOption, UsageError, type Options } from '../args';
import { shippedModel } from '../paths';

/** The budget the extension itself trains with. */
export const DEFAULT_ADAPT_TOKENS = 100_000;

/** `ondi adapt --dir D --out P [--max-tokens N]` */
export async function adapt(values: Options, progress: (text: string) => void) {
  const dir = stringOption(values, 'dir');
  const out = stringOption(values, 'out');
  const maxTokens = intOption(values, 'max-tokens', DEFAULT_ADAPT_TOKENS);
  const collected = await collectDocuments(dir);
  if (collected.documents.length === 0) throw new UsageError(`no source files to learn from under ${dir}`);
  const engine = await loadEngine(values.model ?? shippedModel());
  try {
    const trained = await trainPersonal(engine.model, engine.tokenizer, collected.documents, {
      maxTokens,
      onProgress: (done, total) => {
        if (done % 20 === 0 || done === total) progress(`adapt ${done}/${total}\n`);
      },
    });
    await writeAdapterFile(out, { modelId: engine.info.modelId, adapter: trained.adapter, tokens: trained.tokens, knn: trained.knn, meta: {
      files: trained.documents, redactions: collected.redactions, createdAt: new Date().toISOString(),
      sampling: 'most recently modified files first, until the token budget is spent',
      adapterApplied: trained.useAdapter, ...(trained.validation ? { validation: trained.validation } : {}),
    } });
    return { tokens: trained.tokens.length, seconds: Math.round(trained.seconds * 100) / 100, out, files: trained.documents, loss: trained.finalLoss };
  } finally {
    await engine.dispose();
  }
}
