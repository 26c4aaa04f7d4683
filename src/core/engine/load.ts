import { CompletionPipeline } from '../complete/pipeline';
import { Decoder } from '../model/decoder';
import { readModelFolder, type ModelInfo } from '../model/modelFolder';
import { OnnxModel } from '../model/onnxModel';
import { loadTokenizer, type Tokenizer } from '../model/tokenizer';

export interface LoadedEngine {
  readonly info: ModelInfo;
  readonly model: OnnxModel;
  readonly tokenizer: Tokenizer;
  readonly pipeline: CompletionPipeline;
  readonly loadMs: number;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  /** A specific file under onnx/ (default: the int8 model if present). */
  readonly onnxFile?: string;
  readonly threads?: number;
  readonly maxPromptTokens?: number;
  readonly suggestionCache?: boolean;
  /** Check drafted tokens in one run (on by default; the output is the same either way). */
  readonly drafts?: boolean;
  /** See PipelineOptions.blockBudgetMs (the editor sets it; benchmarks and evaluations do not). */
  readonly blockBudgetMs?: number;
}

/** Model folder -> ready completion pipeline. Throws a ModelFolderError a person can act on. */
export async function loadEngine(folder: string, options: LoadOptions = {}): Promise<LoadedEngine> {
  const started = performance.now();
  const info = await readModelFolder(folder, options.onnxFile);
  const threads = options.threads ?? 2;
  const [modelLoad, tokenizerLoad] = await Promise.allSettled([
    OnnxModel.load(info, { threads }),
    loadTokenizer(folder, info),
  ]);
  if (tokenizerLoad.status === 'rejected') {
    // a model loaded beside a broken tokenizer is released, not left to the garbage collector
    if (modelLoad.status === 'fulfilled') await modelLoad.value.dispose();
    throw tokenizerLoad.reason;
  }
  if (modelLoad.status === 'rejected') throw modelLoad.reason;
  const model = modelLoad.value;
  const tokenizer = tokenizerLoad.value;
  const maxPromptTokens = Math.min(options.maxPromptTokens ?? 448, info.maxPositions - 64);
  const pipeline = new CompletionPipeline(
    new Decoder(model, tokenizer, { drafts: options.drafts ?? true }),
    tokenizer,
    {
      maxPromptTokens,
      documentStart: info.eosTokenId,
      suggestionCache: options.suggestionCache ?? true,
      ...(options.blockBudgetMs === undefined ? {} : { blockBudgetMs: options.blockBudgetMs }),
    },
  );
  return {
    info,
    model,
    tokenizer,
    pipeline,
    loadMs: performance.now() - started,
    dispose: () => model.dispose(),
  };
}
