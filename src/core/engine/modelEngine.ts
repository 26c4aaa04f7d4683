import { AdapterFileError, type AdapterContents } from '../adapt/adapterFile';
import { personalModelOf } from '../adapt/personalModel';
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
        apply: (contents) => {
          applyPersonal(loaded, contents);
          return Promise.resolve();
        },
      },
      dispose: () => loaded.dispose(),
    };
  };
}

/**
 * Completes with what `contents` holds (nothing when undefined): the personal model reshapes
 * each step's scores, and the same learned code lends the prompt its snippets. Remembered
 * suggestions are forgotten. Contents shaped for another model are refused, and completions
 * go on with the base model alone.
 */
export function applyPersonal(
  engine: Pick<LoadedEngine, 'pipeline' | 'tokenizer' | 'info'>,
  contents: AdapterContents | undefined,
): void {
  const { pipeline, info } = engine;
  const shape = contents?.adapter.shape;
  if (shape && (shape.hidden !== info.hiddenSize || shape.vocab !== info.vocabSize)) {
    applyPersonal(engine, undefined);
    throw new AdapterFileError(
      `the personal model is shaped for hidden size ${shape.hidden} and ${shape.vocab} tokens, the base model has ${info.hiddenSize} and ${info.vocabSize}`,
      shape.hidden !== info.hiddenSize ? 'header.hidden' : 'header.vocab',
    );
  }
  pipeline.decoder.personal = contents ? personalModelOf(contents) : undefined;
  pipeline.snippets = contents
    ? snippetIndexOf(contents.tokens, engine.tokenizer.vocabText, engine.info.eosTokenId)
    : undefined;
  pipeline.reset();
}
