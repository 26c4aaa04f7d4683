import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { LEARNED_TOKENS } from '../../core/adapt/budget';
import { startTraining } from '../../core/adapt/workerClient';
import { newSpots, type SpotResult } from '../../core/bench/spotBench';
import { typeThrough, type TypingResult } from '../../core/bench/typingBench';
import { DEFAULT_CONFIG } from '../../core/config';
import { readSourceFiles } from '../../core/privacy/sourceFiles';
import { round } from '../../core/eval/metrics';
import { loadEngine, type LoadedEngine } from '../../core/engine/load';
import { runProcessors } from '../../core/model/logitsProcessor';
import type { StepOutput } from '../../core/model/onnxModel';
import { intOption, UsageError, type Options } from '../args';
import { denseReference, packageRoot, shippedModel } from '../paths';
import { trainScope } from '../../core/retrieval/attachRetrieval';
import { RetrievalIndex } from '../../core/retrieval/retrievalIndex';
import { RetrievalSnippets } from '../../core/retrieval/retrievalSnippets';
import { WorkspaceRetrieval } from '../../core/retrieval/workspaceRetrieval';
import { breakdownOf, PartTimer, tracing, type Breakdown } from './benchBreakdown';
import { applyPersonalFile, preparePersonalBench, type PersonalBench } from './benchPersonal';
import { ALL_PARTS, partsOption, type PartsChoice } from './personalParts';

export interface ModelBench {
  params: number;
  file_mb: number;
  load_ms: number;
  p50_ms: number;
  p95_ms: number;
  tokens_per_s: number;
  rss_mb: number;
  requests: number;
  /** The first keystroke at new spots, with and without the spot's prompt read ahead (spotBench.ts). */
  new_spot: SpotResult;
  /** Where the typing's time went: each personal part's share, and what the decoder fed. */
  breakdown: Breakdown;
  /** With --while-training: the same typing while the personal model trains in its worker. */
  while_training?: { p50_ms: number; p95_ms: number; p95_ratio: number; cpu_share: number };
}

const MODELS = (): Record<string, string> => ({ shipped: shippedModel(), dense: denseReference() });

/** The model named `personal`: the shipped model with a personal model file applied. */
const PERSONAL = 'personal';

/**
 * `ondi bench`: each model in its own fresh process (so load time and memory are its own),
 * typing through the same real files; they run back to back in this one invocation. With
 * `--personal D2` the personal model trained on D2 is a third model, and every model types
 * through the files of `--dir` that do not repeat a file of D2. `--only` names the base models
 * to run (`shipped`, `dense`; one model alone without --personal); `--personal-parts` lists the
 * personal models to compare, each a set of parts (`adapter,cache/knn`: two models); `--rounds N`
 * runs them all N times in turn, so that ratios under a changing load come from one round.
 */
export async function bench(values: Options, progress: (text: string) => void) {
  // one model in its own process: the parent's child, or `--only M` without a personal model
  if (values.only && (values.personal === undefined || values.only === PERSONAL)) return benchOne(values.only, values);
  const bases = values.only ? values.only.split(',').filter((n) => n !== PERSONAL) : Object.keys(MODELS());
  for (const name of bases) {
    if (MODELS()[name] === undefined) throw new UsageError(`unknown model "${name}" (shipped or dense)`);
    if (!existsSync(path.join(MODELS()[name] ?? '', 'config.json'))) {
      throw new UsageError(
        `model "${name}" is missing at ${MODELS()[name]}; build the dense reference with: npm run model:reference`,
      );
    }
  }
  const personal =
    values.personal !== undefined
      ? await preparePersonalBench(
          values.dir ?? path.join(packageRoot(), 'src'),
          values.personal,
          progress,
          values.adapter,
        )
      : undefined;
  const choices = personal ? (values['personal-parts'] ?? ALL_PARTS).split('/').map((p) => partsOption(p)) : [];
  const names = [...bases, ...choices.map((c) => (choices.length === 1 ? PERSONAL : `${PERSONAL}[${c.text}]`))];
  const rounds: Record<string, ModelBench>[] = [];
  try {
    for (let r = 0; r < intOption(values, 'rounds', 1); r++) {
      const models: Record<string, ModelBench> = {};
      for (const name of names) {
        progress(`bench ${name}${r > 0 ? ` (round ${r + 1})` : ''}...\n`);
        const choice = choices[names.indexOf(name) - bases.length];
        models[name] = await child(choice ? PERSONAL : name, values, personal, choice);
        progress(`${name}: ${JSON.stringify(models[name])}\n`);
      }
      rounds.push(models);
    }
  } finally {
    await personal?.dispose();
  }
  const models = rounds[0] ?? {};
  const dense = models['dense'];
  const shipped = models['shipped'];
  // each personal model's p50 over the shipped model's, in every round
  const ratios = Object.fromEntries(
    names
      .filter((n) => n.startsWith(PERSONAL))
      .map((n) => [
        n,
        rounds.map((m) => (m['shipped'] && m[n] ? round((m[n]?.p50_ms ?? 0) / m['shipped'].p50_ms) : null)),
      ]),
  );
  return {
    models,
    ...(rounds.length > 1 ? { rounds } : {}),
    speedup_p50: dense && shipped ? round(dense.p50_ms / shipped.p50_ms) : null,
    ...(shipped && personal ? { personal_p50_ratio: ratios } : {}),
    ...(personal
      ? { personal: { adapt: personal.adapt, typed_files: personal.typedFiles, left_out: personal.leftOut } }
      : {}),
  };
}

async function benchOne(name: string, values: Options): Promise<ModelBench> {
  const folder = name === PERSONAL ? shippedModel() : MODELS()[name];
  if (!folder) throw new UsageError(`unknown model "${name}"`);
  if (name === PERSONAL && values.adapter === undefined) throw new UsageError('the personal model needs --adapter P');
  const rssBefore = process.memoryUsage().rss;
  const engine = await loadEngine(folder, {
    ...(name === 'dense' ? { onnxFile: 'model.onnx' } : {}),
    suggestionCache: false,
  });
  try {
    const parts = partsOption(values['personal-parts'] ?? ALL_PARTS);
    // the personal model's load is the base model's plus reading, checking and applying its file
    const personal = name === PERSONAL ? await applyPersonalFile(engine, values.adapter ?? '', parts.model) : undefined;
    // and, as in the editor, windows of the whole learned workspace (built before typing, as the
    // extension builds its index in the background once the model is ready; as attachRetrieval
    // wires it, with the source kept for timing)
    let retrieval: RetrievalSnippets | undefined;
    if (name === PERSONAL && values.personal !== undefined && parts.retrieval) {
      const index = new RetrievalIndex();
      retrieval = new RetrievalSnippets(index, engine.tokenizer, engine.info.eosTokenId);
      engine.pipeline.useRetrieval(retrieval);
      await new WorkspaceRetrieval(index).build(trainScope(values.personal));
    }
    const timer = new PartTimer();
    timer.instrument(engine.pipeline, retrieval);
    // real TypeScript to type through: this project's own sources unless a folder is given
    const files = await readSourceFiles(values.dir ?? path.join(packageRoot(), 'src'));
    if (files.length === 0) throw new UsageError('no source files to type through');
    const typingOptions = { keystrokes: intOption(values, 'keystrokes', 300), linesPerFile: 6, maxTokens: 48 };
    // warm up (JIT, allocator) on the last file so the first measured keystrokes are not the slowest
    await typeThrough(engine.pipeline, files.slice(-1), { ...typingOptions, keystrokes: 30 });
    timer.reset();
    const traced = tracing(engine.pipeline);
    const typing = await typeThrough(traced.engine, files, typingOptions);
    const breakdown = breakdownOf(timer, traced.traces);
    const pipeline = engine.pipeline;
    const spots = await newSpots(pipeline, (request, signal) => pipeline.prepare(request, signal), files, {
      spots: intOption(values, 'spots', 20),
      maxTokens: typingOptions.maxTokens,
    });
    // what the model added, before a learning worker (with its own model) joins the process
    const rssAdded = process.memoryUsage().rss - rssBefore;
    const whileTraining =
      values['while-training'] && name === 'shipped'
        ? await typeWhileTraining(folder, values.dir ?? path.join(packageRoot(), 'src'), () =>
            typeThrough(engine.pipeline, files, typingOptions),
          )
        : undefined;
    const tokensPerS = await decodingSpeed(engine, files[0]?.text.slice(0, 1200) ?? 'const a = 1;\n');
    const { statSync } = await import('node:fs');
    return {
      // the personal model adds its adapter's matrices (when the held-out check kept it) and its file
      params: engine.info.params + (personal?.params ?? 0),
      file_mb: round((statSync(engine.info.onnxFile).size + (personal?.bytes ?? 0)) / 1e6),
      load_ms: round(engine.loadMs + (personal?.ms ?? 0), 1),
      p50_ms: typing.p50_ms,
      p95_ms: typing.p95_ms,
      tokens_per_s: round(tokensPerS, 1),
      rss_mb: round(rssAdded / 1e6, 1),
      requests: typing.requests,
      new_spot: spots,
      breakdown,
      ...(whileTraining
        ? { while_training: { ...whileTraining, p95_ratio: round(whileTraining.p95_ms / typing.p95_ms) } }
        : {}),
    };
  } finally {
    await engine.dispose();
  }
}

/**
 * Types again while the learning worker trains on `dir` at the default CPU share, never held:
 * the worst case, since the editor holds a running job while the user types.
 */
async function typeWhileTraining(modelFolder: string, dir: string, type: () => Promise<TypingResult>) {
  const cpuShare = DEFAULT_CONFIG['learning.cpuShare'];
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-bench-'));
  const abort = new AbortController();
  let learning = (): void => undefined;
  const learningStarted = new Promise<'learning'>((resolve) => (learning = () => resolve('learning')));
  const run = startTraining(
    { file: path.join(packageRoot(), 'dist', 'adaptWorker.js') },
    {
      kind: 'train',
      modelFolder,
      outFile: path.join(outDir, 'personal.ondi'),
      recent: [],
      rank: 16,
      maxTokens: LEARNED_TOKENS,
      folders: [dir],
      excludeGlobs: [],
      respectGitignore: false,
    },
    { cpuShare, signal: abort.signal, onEvent: (e) => e.type === 'progress' && e.phase === 'learning' && learning() },
  );
  let ended = false;
  const finished = run.result
    .then(
      () => 'ended' as const,
      () => 'ended' as const,
    )
    .finally(() => (ended = true));
  try {
    // only once the worker has loaded its model and is learning
    if ((await Promise.race([learningStarted, finished])) === 'ended')
      throw new Error('the learning worker ended before it began learning');
    const typing = await type();
    if (ended) throw new Error('training ended before the typing did: use more keystrokes');
    return { p50_ms: typing.p50_ms, p95_ms: typing.p95_ms, cpu_share: cpuShare };
  } finally {
    abort.abort();
    await finished;
    await fs.rm(outDir, { recursive: true, force: true });
  }
}

/**
 * Decoding speed: 64 greedy tokens after a fixed prompt, KV cache on, each step's scores
 * through the personal model's processors when one is applied (as completions decode).
 */
async function decodingSpeed(engine: LoadedEngine, prompt: string): Promise<number> {
  const processors = engine.pipeline.personal?.processors ?? [];
  const hiddenSize = engine.info.hiddenSize;
  // a copy: the generated tokens are pushed onto it
  const context = [...engine.tokenizer.encode(prompt)];
  const next = (out: StepOutput, fed: number): number => {
    const scores = runProcessors(processors, out.logits, {
      context,
      hidden: out.hidden,
      hiddenOffset: (fed - 1) * hiddenSize,
    });
    return scores.indexOf(Math.max(...scores));
  };
  let out = await engine.model.step(context, engine.model.emptyCache());
  let token = next(out, context.length);
  const started = performance.now();
  for (let k = 0; k < 64; k++) {
    context.push(token);
    out = await engine.model.step([token], out.cache);
    token = next(out, 1);
  }
  return 64 / ((performance.now() - started) / 1000);
}

function child(
  name: string,
  values: Options,
  personal: PersonalBench | undefined,
  parts?: PartsChoice,
): Promise<ModelBench> {
  const args = [process.argv[1] ?? '', 'bench', '--only', name, '--json'];
  if (values['while-training']) args.push('--while-training');
  if (values.keystrokes) args.push('--keystrokes', values.keystrokes);
  // with a personal model every model types through the same unlearned files
  const dir = personal?.typedDir ?? values.dir;
  if (dir) args.push('--dir', dir);
  if (name === PERSONAL && personal) args.push('--adapter', personal.file, '--personal', values.personal ?? '');
  if (name === PERSONAL && parts) args.push('--personal-parts', parts.text);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      try {
        const parsed = JSON.parse(out) as ModelBench & { error?: string };
        if (code !== 0 || parsed.error) reject(new Error(parsed.error ?? `bench ${name} exited ${code}`));
        else resolve(parsed);
      } catch {
        reject(new Error(`bench ${name} printed no result (exit ${code})`));
      }
    });
  });
}
