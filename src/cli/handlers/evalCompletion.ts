import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAdapterFile } from '../../core/adapt/adapterFile';
import { CACHE_TOKENS, LEARNED_TOKENS } from '../../core/adapt/budget';
import type { KnnKeys } from '../../core/adapt/knnStore';
import { LowRankAdapter } from '../../core/adapt/lowRankAdapter';
import { trainWorkspace } from '../../core/adapt/trainWorkspace';
import { loadCases, scoreEngine, scoreLookup } from '../../core/eval/completionEval';
import { trainLinesOf, type RepeatedFile } from '../../core/eval/repeatedFiles';
import { loadEngine, type LoadedEngine } from '../../core/engine/load';
import { applyPersonal, type AppliedPersonal, type PersonalPart } from '../../core/engine/modelEngine';
import { attachRetrieval, trainScope } from '../../core/retrieval/attachRetrieval';
import { intOption, stringOption, UsageError, type Options } from '../args';
import { shippedModel } from '../paths';
import { collectTrainingFolder, nothingReadableUnder } from './trainingFiles';

/** `ondi eval completion --test D [--train D2] [--personal PARTS] [--samples N] [--seed S] [--drafts off]` */
export async function evalCompletion(values: Options, progress: (text: string) => void) {
  const test = stringOption(values, 'test');
  // what the extension applies, workspace retrieval included
  const parts = values.personal ?? 'adapter,cache,knn,snippets,retrieval';
  if (!/^(adapter|cache|knn|snippets|retrieval)(,(adapter|cache|knn|snippets|retrieval))*$/.test(parts))
    throw new UsageError('--personal must list adapter, cache, knn, snippets and/or retrieval, comma-separated');
  if (parts.includes('knn') && !parts.includes('adapter'))
    throw new UsageError('--personal knn needs adapter (its keys are gathered while the adapter trains)');
  const samples = intOption(values, 'samples', 500);
  const seed = intOption(values, 'seed', 0);
  if (values.drafts !== undefined && !['on', 'off'].includes(values.drafts))
    throw new UsageError('--drafts must be on or off');
  const log = (message: string): void => progress(`${message}\n`);
  const trainFolder = values.train ? await collectTrainingFolder(values.train, 'train', log) : undefined;
  // every train file's lines (not only the budget's worth that is learned), for the copies check
  const train = values.train ? await trainLinesOf(values.train) : undefined;
  const { cases, files, leftOut } = await loadCases(test, samples, seed, { log, ...(train ? { train } : {}) }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new UsageError(`--test ${test} cannot be read (${error.code ?? error.message})`);
    },
  );
  if (leftOut) progress(describeLeftOut(leftOut, files, test, values.train ?? ''));
  if (cases.length === 0)
    throw new UsageError(
      `no source lines to sample under ${test}${leftOut?.length ? ` (${leftOut.length} files left out as repeats of train files)` : ''}`,
    );
  const engine = await loadEngine(values.model ?? shippedModel(), { drafts: values.drafts !== 'off' });
  try {
    const maxTokens = intOption(values, 'max-tokens', 48);
    const onProgress = (done: number): void => {
      if (done % 50 === 0) progress(`${done}/${cases.length}\n`);
    };
    const base = await scoreEngine(engine.pipeline, cases, maxTokens, onProgress);
    let adapted = null;
    let adapt = null;
    if (values.train && trainFolder) {
      const { trained, meta } = await trainWorkspace(trainFolder, engine, {
        maxTokens: LEARNED_TOKENS,
        cacheTokens: intOption(values, 'cache-tokens', CACHE_TOKENS),
        adapter: parts.includes('adapter'),
      }).catch(nothingReadableUnder(values.train));
      adapt = {
        tokens: trained.tokens.length,
        cache_tokens: trained.stream.length,
        seconds: Math.round(trained.seconds * 100) / 100,
      };
      progress(
        `adapted on ${trained.tokens.length} tokens from ${meta.files} files in ${adapt.seconds} s (loss ${trained.finalLoss.toFixed(3)}); the cache reads ${trained.stream.length} tokens\n`,
      );
      if (trained.validation) {
        const v = trained.validation;
        progress(
          `newest files: base ${v.baseLoss.toFixed(4)}, adapted ${v.adaptedLoss.toFixed(4)} nats/token at strength ${v.strength}: adapter ${trained.useAdapter ? 'used' : 'left out'}\n`,
        );
      }
      const applied = await applyTrained(
        engine,
        { ...trained, tokens: trained.stream },
        parts.split(',') as PersonalPart[],
      );
      if (parts.includes('knn') && trained.knn)
        progress(`neighbour store: ${trained.knn.at.length} of ${trained.tokens.length} positions\n`);
      if (parts.includes('snippets')) progress(`snippet index: ${applied.snippetWindows} windows\n`);
      if (parts.includes('retrieval'))
        log(`retrieval: ${JSON.stringify(await attachRetrieval(engine, log).build(trainScope(values.train)))}`);
      const scored = await scoreEngine(engine.pipeline, cases, maxTokens, onProgress);
      adapted = scored.metrics;
      const show = intOption(values, 'show', 0);
      cases
        .slice(0, show)
        .forEach((c, i) =>
          progress(
            `${JSON.stringify(c.prefix.slice(-40))}\n  want ${JSON.stringify(c.target)}\n  base ${JSON.stringify(base.predictions[i])}\n  mine ${JSON.stringify(scored.predictions[i])}\n`,
          ),
        );
    }
    return {
      samples: cases.length,
      base: base.metrics,
      adapted,
      adapt,
      left_out: leftOut ? leftOut.length : null,
      lookup: scoreLookup(cases),
    };
  } finally {
    await engine.dispose();
  }
}

/** One progress line: how many test files repeat a train file, and the first few pairs. */
function describeLeftOut(leftOut: readonly RepeatedFile[], files: number, test: string, train: string): string {
  const pairs = leftOut
    .slice(0, 5)
    .map(
      (r) =>
        `  ${path.relative(test, r.path)} repeats ${path.relative(train, r.repeats.path)} (${Math.round(r.repeats.share * 100)}% of its lines)\n`,
    );
  return (
    `left out ${leftOut.length} of ${files} test files: at least half of their lines stand in one train file\n` +
    pairs.join('') +
    (leftOut.length > pairs.length ? `  and ${leftOut.length - pairs.length} more\n` : '')
  );
}

/** What training gave, as far as applying it goes (no adapter when it was not trained). */
interface Trained {
  readonly adapter: LowRankAdapter | undefined;
  readonly tokens: Uint16Array;
  readonly knn: KnnKeys | undefined;
  readonly useAdapter: boolean;
}

/** Applies what was trained as the editor does: written to a personal model file, applied by its path. */
async function applyTrained(engine: LoadedEngine, trained: Trained, parts: PersonalPart[]): Promise<AppliedPersonal> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-eval-'));
  try {
    const file = path.join(dir, 'personal.ondi');
    const { hiddenSize: hidden, vocabSize: vocab } = engine.info;
    await writeAdapterFile(file, {
      modelId: engine.info.modelId,
      // a file always holds an adapter: an untrained one is marked as not to be used
      adapter: trained.adapter ?? new LowRankAdapter({ hidden, rank: 1, vocab }),
      tokens: trained.tokens,
      knn: trained.knn,
      meta: { adapterApplied: trained.adapter !== undefined && trained.useAdapter },
    });
    return await applyPersonal(engine, file, parts);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
