import type { AdapterContents } from './adapt/adapterFile';
import { personalModelOf } from './adapt/personalModel';
import type { CompletionPipeline } from './complete/pipeline';
import type { EngineHandle, EngineLoader } from './engineLifecycle';
import { loadEngine, type LoadOptions } from './loadEngine';
import { remoteModelLoadingAllowed } from './model/tokenizer';
import { describeModel } from './status';

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
        apply: (contents) => {
          applyPersonal(loaded.pipeline, contents);
          return Promise.resolve();
        },
      },
      dispose: () => loaded.dispose(),
    };
  };
}

/** Decodes with the personal model `contents` describes (none when undefined) and forgets remembered suggestions. */
export function applyPersonal(pipeline: CompletionPipeline, contents: AdapterContents | undefined): void {
  pipeline.decoder.personal = contents ? personalModelOf(contents) : undefined;
  pipeline.reset();
}
