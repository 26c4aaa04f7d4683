import { promises as fs } from 'node:fs';
import type { EngineLifecycle } from '../engine/lifecycle';
import { describeError, type Logger } from '../log';
import { readModelFolder } from '../model/modelFolder';
import { AdapterFileError, readAdapterFile, writeAdapterFile, type BaseModel } from './adapterFile';

/** A failure whose message is meant for the user as it is. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}

export interface PersonalFilesDeps {
  readonly engine: Pick<EngineLifecycle, 'personal'>;
  /** The shipped model, whose identity a file must carry while no engine is loaded. */
  readonly modelFolder: string;
  readonly log: Logger;
}

/** Export, import and size of a workspace's personal model file, each checked against the base model. */
export function personalFiles(deps: PersonalFilesDeps) {
  /** What a personal model file must fit: the running engine's model, else the model folder's. */
  const baseModel = async (): Promise<BaseModel> => {
    const slot = deps.engine.personal;
    if (slot) return { modelId: slot.modelId, ...slot.shape };
    const info = await readModelFolder(deps.modelFolder);
    return { modelId: info.modelId, hidden: info.hiddenSize, vocab: info.vocabSize };
  };

  return {
    /** Copies `file` to `target`, checked first so only a good file leaves. */
    async exportTo(file: string, target: string): Promise<void> {
      await readAdapterFile(file, await baseModel());
      await fs.copyFile(file, target);
      deps.log.info(`personal model exported to ${target}`);
    },

    /** Writes `source` over `file` once it checks out; `beforeWrite` stops what may still write there. */
    async importFrom(source: string, file: string, beforeWrite: () => Promise<void>): Promise<void> {
      let contents;
      try {
        contents = await readAdapterFile(source, await baseModel());
      } catch (error) {
        if (error instanceof AdapterFileError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new UserFacingError(
            `That file cannot be imported: ${describeError(error)}. The current personal model is unchanged.`,
          );
        }
        throw error;
      }
      await beforeWrite();
      await writeAdapterFile(file, contents);
      deps.log.info(`personal model imported from ${source}`);
    },

    /** Size of the stored file, if there is one. */
    bytes(file: string): Promise<number | undefined> {
      return fs.stat(file).then(
        (s) => s.size,
        () => undefined,
      );
    },
  };
}
