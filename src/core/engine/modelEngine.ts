import { AdapterFileError, readAdapterFile, type AdapterContents } from '../adapt/adapterFile';
import { personalModelOf, personalProcessors } from '../adapt/personalModel';
import { snippetIndexOf } from '../complete/snippetIndex';
import type { EngineHandle, EngineLoader } from './lifecycle';
import { loadEngine, type LoadedEngine, type LoadOptions } from './load';
import { remoteModelLoadingAllowed } from '../model/tokenizer';
import { describeModel } from '../status';

/**
 * The loader the extension hands to EngineLifecycle: the on-device model from `folder`, with a
 * one-line summary of what was loaded. A missing or corrupt folder rejects with the model
 * folder's own message, which the lifecycle turns into the error state.
 */
export function modelEngineLoader(folder: string, options: LoadOptions = {}): EngineLoader {
  return async (): Promise<EngineHandle> => {
    const loaded = await loadEngine(folder, options);
    return {
      engine: loaded.pipeline,
      summary: describeModel(loaded.info.stage, loaded.info.params, loaded.loadMs),
      remoteModelLoading: await remoteModelLoadingAllowed(),
      personal: {
        modelId: loaded.info.modelId,
        shape: { hidden: loaded.info.hiddenSize, vocab: loaded.info.vocabSize },
        apply: async (file) => {
          await applyPersonal(loaded, file);
        },
      },
      dispose: () => loaded.dispose(),
    };
  };
}

/** The parts of a personal model that completions can use. */
export type PersonalPart = 'adapter' | 'cache' | 'knn' | 'snippets';

export const ALL_PERSONAL_PARTS: readonly PersonalPart[] = ['adapter', 'cache', 'knn', 'snippets'];

type PersonalTarget = Pick<LoadedEngine, 'pipeline' | 'tokenizer' | 'info'>;

/** What completions use after a personal model was applied. */
export interface AppliedPersonal {
  /** Windows of learned code the prompt may borrow (0 without snippets). */
  readonly snippetWindows: number;
}

/**
 * Completes with the personal model stored in `file` (nothing when undefined): reads it,
 * checks it against the base model (adapterValidation.ts) and uses `parts` of it. A file that
 * cannot be used rejects, an AdapterFileError naming the file and the field when it is the
 * file's content, and completions go on with the base model alone.
 */
export async function applyPersonal(
  engine: PersonalTarget,
  file: string | undefined,
  parts: readonly PersonalPart[] = ALL_PERSONAL_PARTS,
): Promise<AppliedPersonal> {
  if (file === undefined) return usePersonal(engine, undefined);
  const { info } = engine;
  let contents: AdapterContents;
  try {
    contents = await readAdapterFile(file, { modelId: info.modelId, hidden: info.hiddenSize, vocab: info.vocabSize });
  } catch (error) {
    usePersonal(engine, undefined);
    throw error;
  }
  return usePersonal(engine, contents, parts);
}

/**
 * Completes with what decoded `contents` hold (nothing when undefined): the personal model
 * reshapes each step's scores, and the same learned code lends the prompt its snippets.
 * Remembered suggestions are forgotten. Contents shaped for another model are refused, and
 * completions go on with the base model alone.
 */
export function usePersonal(
  engine: PersonalTarget,
  contents: AdapterContents | undefined,
  parts: readonly PersonalPart[] = ALL_PERSONAL_PARTS,
): AppliedPersonal {
  const { pipeline, info } = engine;
  const shape = contents?.adapter.shape;
  if (shape && (shape.hidden !== info.hiddenSize || shape.vocab !== info.vocabSize)) {
    pipeline.personalize(undefined);
    throw new AdapterFileError(
      `the personal model is shaped for hidden size ${shape.hidden} and ${shape.vocab} tokens, the base model has ${info.hiddenSize} and ${info.vocabSize}`,
      shape.hidden !== info.hiddenSize ? 'header.hidden' : 'header.vocab',
    );
  }
  if (!contents) {
    pipeline.personalize(undefined);
    return { snippetWindows: 0 };
  }
  const model = personalModelOf(contents);
  const snippets = parts.includes('snippets')
    ? snippetIndexOf(contents.tokens, engine.tokenizer.vocabText, info.eosTokenId)
    : undefined;
  pipeline.personalize({
    processors: personalProcessors({
      adapter: parts.includes('adapter') ? model.adapter : undefined,
      cache: parts.includes('cache') ? model.cache : undefined,
      knn: parts.includes('knn') ? model.knn : undefined,
    }),
    snippets,
  });
  return { snippetWindows: snippets?.size ?? 0 };
}
