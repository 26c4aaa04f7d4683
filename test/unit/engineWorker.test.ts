import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdapterFileError, writeAdapterFile, type AdapterContents } from '../../src/core/adapt/adapterFile';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import type { WorkerScript } from '../../src/core/base/threads';
import type { CompletionEngine, CompletionRequest } from '../../src/core/complete/types';
import { EngineStoppedError, WorkerEngine, workerEngineLoader } from '../../src/core/engine/workerClient';
import { EngineLifecycle } from '../../src/core/engine/lifecycle';
import { createLogger, type LogRecord } from '../../src/core/log';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { applyPersonal } from '../../src/core/engine/modelEngine';
import type { OndiState } from '../../src/core/status';
import { request } from './fixtures/completionRequest';

const repo = path.resolve(__dirname, '../..');
const SHIPPED = path.join(repo, 'models', 'ondi-code');
const script: WorkerScript = { file: path.join(repo, 'src', 'worker', 'engineWorker.ts'), typescript: true };
const crashing: WorkerScript = { file: path.join(__dirname, 'fixtures', 'crashingEngineWorker.ts'), typescript: true };

const never = () => new AbortController().signal;

/** Line completions after ` = ` in one of Ondi's own files: real code, prompts up to the window. */
async function typingCases(
  count: number,
  skip = 0,
  file = 'src/core/model/decoder.ts',
  from = 0,
): Promise<CompletionRequest[]> {
  const text = await fs.readFile(path.join(repo, file), 'utf8');
  const cases: CompletionRequest[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const at = line.indexOf(' = ');
    if (at > 0 && line.length > at + 6 && offset >= from) {
      const cursor = offset + at + 3;
      const end = offset + line.length;
      cases.push(request(text.slice(0, cursor), text.slice(end)));
    }
    offset += line.length + 1;
  }
  assert.ok(cases.length >= skip + count, `only ${cases.length} cases in ${file}`);
  return cases.slice(skip, skip + count);
}

/**
 * Requests that alternate between files, deep enough into each that the prompt fills the
 * context window: as when switching editors, every request feeds a whole prompt.
 */
async function switchingCases(perFile: number): Promise<CompletionRequest[]> {
  const files = [
    'src/core/model/decoder.ts',
    'src/core/model/onnxModel.ts',
    'src/core/outcomes/outcomeTracker.ts',
    'src/core/outcomes/outcomes.ts',
  ];
  const perFileCases = await Promise.all(files.map((file) => typingCases(perFile, 0, file, 2_500)));
  return Array.from({ length: perFile }, (_, i) => perFileCases.map((cases) => cases[i]!)).flat();
}

async function completeAll(
  engine: CompletionEngine,
  requests: readonly CompletionRequest[],
): Promise<(string | undefined)[]> {
  const texts: (string | undefined)[] = [];
  for (const r of requests) texts.push((await engine.complete(r, never()))?.text);
  return texts;
}

interface Lateness<T> {
  readonly result: T;
  readonly maxMs: number;
  /** The 99th percentile: a lone garbage collection of the test process itself does not reach it. */
  readonly p99Ms: number;
  /** All lateness added up: about the time the thread spent blocked. */
  readonly totalMs: number;
}

/** Runs `work` while a 5 ms interval timer measures how late the event loop serves it. */
async function eventLoopLateness<T>(work: () => Promise<T>): Promise<Lateness<T>> {
  const late: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - last - 5));
    last = now;
  }, 5);
  try {
    const result = await work();
    late.sort((a, b) => a - b);
    const totalMs = late.reduce((sum, x) => sum + x, 0);
    return { result, maxMs: late.at(-1) ?? 0, p99Ms: late[Math.floor(late.length * 0.99)] ?? 0, totalMs };
  } finally {
    clearInterval(timer);
  }
}

/** `contents` written to a personal model file of its own under `parent`. */
async function personalFile(parent: string, contents: AdapterContents): Promise<string> {
  const file = path.join(await fs.mkdtemp(path.join(parent, 'personal-')), 'personal.ondi');
  await writeAdapterFile(file, contents);
  return file;
}

/** A personal model strong enough to change what greedy decoding picks. */
function strongAdapter(modelId: string, hidden: number, vocab: number): AdapterContents {
  const rank = 8;
  const adapter = new LowRankAdapter({ hidden, rank, vocab, alpha: 400 }, undefined, 7);
  for (let i = 0; i < adapter.b.length; i++) adapter.b[i] = Math.sin(i * 12.9898) * 0.5;
  return { modelId, adapter, tokens: new Uint16Array(0), meta: { adapterApplied: true } };
}

describe('the completion worker (worker_threads, the model off the extension host thread)', function () {
  this.timeout(180_000);
  let inProcess: LoadedEngine;
  let worker: WorkerEngine;
  let files: string;

  /** Asks both engines (which have seen the same requests so far) and expects the same answer. */
  const both = async (r: CompletionRequest): Promise<string | undefined> => {
    const expected = (await inProcess.pipeline.complete(r, never()))?.text;
    const got = (await worker.complete(r, never()))?.text;
    assert.equal(got, expected, 'the worker answers as the in-process pipeline');
    return got;
  };

  before(async () => {
    [inProcess, worker, files] = await Promise.all([
      loadEngine(SHIPPED, { threads: 2 }),
      WorkerEngine.start(SHIPPED, script, { threads: 2 }),
      fs.mkdtemp(path.join(os.tmpdir(), 'ondi-engine-worker-')),
    ]);
  });
  after(async () => {
    await Promise.all([
      inProcess?.dispose(),
      worker?.dispose(),
      files && fs.rm(files, { recursive: true, force: true }),
    ]);
  });

  it('loads the shipped model and describes it like the in-process loader', () => {
    assert.equal(worker.modelId, inProcess.info.modelId);
    assert.match(worker.summary, /^pruned-int8 model, \d+\.\dM parameters, loaded in \d+ ms$/);
    const handle = worker.handle;
    assert.equal(handle.engine, worker);
    assert.equal(handle.personal?.modelId, inProcess.info.modelId);
    assert.deepEqual(
      handle.personal?.shape,
      { hidden: inProcess.info.hiddenSize, vocab: inProcess.info.vocabSize },
      'a personal model file is checked against these',
    );
    assert.equal(handle.remoteModelLoading, false, "the worker's tokenizer library has remote loading off");
  });

  it('answers with the same completions as the in-process pipeline for the same requests', async () => {
    const cases = [request('import numpy as np\nimport matplotlib.pyplot as'), ...(await typingCases(5))];
    const expected = await completeAll(inProcess.pipeline, cases);
    const got = await completeAll(worker, cases);
    assert.deepEqual(got, expected);
    assert.equal(got[0], ' plt');
    assert.ok(got.filter((t) => t).length >= 3, `completions: ${JSON.stringify(got)}`);
    assert.ok(worker.lastTrace.tokens !== undefined || worker.lastTrace.cached, JSON.stringify(worker.lastTrace));
  });

  it('lets a newer request supersede one still running: the older ends without a completion, nothing waits behind it', async () => {
    // whole prompts in two files: each needs several model runs
    const [older] = await typingCases(1, 0, 'src/core/outcomes/outcomeStore.ts', 2_500);
    const [newer] = await typingCases(1, 0, 'src/core/engine/lifecycle.ts', 2_500);
    const expected = (await inProcess.pipeline.complete(newer!, never()))?.text;
    const [first, second] = await Promise.all([worker.complete(older!, never()), worker.complete(newer!, never())]);
    assert.equal(first, undefined, 'the superseded request is dropped');
    assert.equal(second?.text, expected, 'the newest is answered as in-process');
  });

  it('reads the prompt of a spot the user moved to ahead of time: typing there then feeds only what was typed', async () => {
    const text = await fs.readFile(path.join(repo, 'src/core/outcomes/outcomes.ts'), 'utf8');
    // a new line after a line deep in the file: the prompt fills the window
    const end = text.indexOf(';\n', 3_000) + 1;
    const indent = /^\s*/.exec(text.slice(text.lastIndexOf('\n', end) + 1))![0];
    const above = `${text.slice(0, end)}\n${indent}`;
    const spot = request(above, text.slice(end));
    const typed = request(`${above}const `, text.slice(end));
    worker.warm(spot);
    // the warm-up has no answer; a request asked later supersedes it, so give it time to finish
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const got = await worker.complete(typed, never());
    // int8 activations are scaled per model run, so the same prompt read in other runs can
    // decode differently: the in-process engine reads this spot ahead of time too
    await inProcess.pipeline.prepare(spot, never());
    assert.equal(got?.text, (await inProcess.pipeline.complete(typed, never()))?.text);
    const trace = worker.lastTrace;
    // fed: what was typed, the generated tokens and the drafts checked along the way
    const fedBeyondDrafts = (trace.fed ?? Infinity) - (trace.drafted ?? 0);
    assert.ok((trace.reused ?? 0) > 300 && fedBeyondDrafts < 24, JSON.stringify(trace));
  });

  it('applies a personal model file by its path (read in the worker), changes completions as in-process, and removes it again', async () => {
    const [r] = await typingCases(1, 11);
    const personal = await personalFile(
      files,
      strongAdapter(inProcess.info.modelId, inProcess.info.hiddenSize, inProcess.info.vocabSize),
    );
    const base = await both(r!);
    assert.equal(worker.lastTrace.cached, undefined);
    assert.equal(await both(r!), base);
    assert.equal(worker.lastTrace.cached, true, 'the same request again comes from the suggestion cache');

    await Promise.all([worker.handle.personal?.apply(personal), applyPersonal(inProcess, personal)]);
    const adapted = await both(r!);
    assert.notEqual(worker.lastTrace.cached, true, 'applying a personal model forgets remembered suggestions');
    assert.notEqual(adapted, base, 'the personal model changes the completion');

    await Promise.all([worker.handle.personal?.apply(undefined), applyPersonal(inProcess, undefined)]);
    const restored = await both(r!);
    assert.notEqual(worker.lastTrace.cached, true);
    assert.ok(restored, 'the base model completes again');
  });

  it('reports a personal model file the worker refuses, and completes with the base model', async () => {
    const [r] = await typingCases(1, 11);
    const { modelId, hiddenSize, vocabSize } = inProcess.info;
    const good = await personalFile(files, strongAdapter(modelId, hiddenSize, vocabSize));
    await Promise.all([worker.handle.personal?.apply(undefined), applyPersonal(inProcess, undefined)]);
    const base = await both(r!);
    await Promise.all([worker.handle.personal?.apply(good), applyPersonal(inProcess, good)]);
    assert.notEqual(await both(r!), base, 'the personal model is in use');

    const foreign = await personalFile(files, strongAdapter('other-weights', hiddenSize, vocabSize));
    await assert.rejects(
      worker.handle.personal!.apply(foreign),
      (e: unknown) =>
        e instanceof AdapterFileError &&
        e.field === 'header.modelId' &&
        e.file === foreign &&
        /trained for another base model/.test(e.message),
    );
    await assert.rejects(applyPersonal(inProcess, foreign), AdapterFileError);
    assert.equal(await both(r!), base, 'the previous personal model was taken out: the base model completes');
  });

  it('hears about files worked in and lends their code to other files, never to themselves', async () => {
    const lines = [
      'export function parseHeaders(raw: string): Map<string, string> {',
      '  const headers = new Map<string, string>();',
      '  for (const line of raw.split(/\\r?\\n/)) {',
      '    const at = line.indexOf(":");',
      '    if (at > 0) headers.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());',
      '  }',
      '  return headers;',
      '}',
      '',
    ];
    const text = lines.join('\n');
    worker.noteFile('/w/headers.ts', text);
    inProcess.pipeline.noteFile('/w/headers.ts', text);
    const elsewhere = { ...request(lines.slice(0, 4).join('\n') + '\n    if (at'), path: '/w/other.ts' };
    await both(elsewhere);
    assert.ok((worker.lastTrace.snippet ?? 0) > 0, `a snippet went in front: ${JSON.stringify(worker.lastTrace)}`);
    await both({ ...elsewhere, path: '/w/headers.ts', prefix: lines.slice(0, 4).join('\n') + '\n    if (a' });
    assert.ok(worker.lastTrace.tokens !== undefined, `the model ran: ${JSON.stringify(worker.lastTrace)}`);
    assert.equal(worker.lastTrace.snippet, undefined, 'a file lends nothing to itself');
  });

  it('keeps the event loop responsive while completions run (in-process, steps block it)', async () => {
    const burst = await switchingCases(5);
    assert.equal(burst.length, 20);
    const direct = await eventLoopLateness(() => completeAll(inProcess.pipeline, burst));
    const threaded = await eventLoopLateness(() => completeAll(worker, burst));
    assert.deepEqual(threaded.result, direct.result, 'the same completions either way');
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const figures = (l: Lateness<unknown>) => `max ${ms(l.maxMs)}, p99 ${ms(l.p99Ms)}, total ${ms(l.totalMs)}`;
    const both = `5 ms timer lateness, in-process: ${figures(direct)}; worker: ${figures(threaded)}`;
    if (process.env['ONDI_PRINT_LATENESS']) process.stderr.write(`${both}\n`);
    // In-process, each model run (a prompt read in runs of up to 160 tokens, or a decoding step) holds the thread.
    assert.ok(direct.totalMs > 100, `model runs block the thread that runs them (${both})`);
    assert.ok(threaded.totalMs < direct.totalMs / 2, `the worker keeps the host's event loop free (${both})`);
    assert.ok(threaded.p99Ms < Math.max(direct.p99Ms / 2, 10), `no long stalls with the worker (${both})`);
  });

  // Last: a cancelled request leaves the two engines with different decoding histories.
  it('resolves an aborted request without a completion, and the next request still works', async () => {
    const [slow] = await typingCases(1, 40);
    const already = new AbortController();
    already.abort();
    assert.equal(await worker.complete(slow!, already.signal), undefined);

    const controller = new AbortController();
    const pending = worker.complete(slow!, controller.signal);
    setTimeout(() => controller.abort(), 1);
    assert.equal(await pending, undefined);

    assert.equal(
      (await worker.complete(request('import numpy as np\nimport matplotlib.pyplot as'), never()))?.text,
      ' plt',
    );
    // asked again, the aborted request runs the model (nothing of it was remembered)
    await worker.complete(slow!, never());
    assert.ok(worker.lastTrace.tokens !== undefined && !worker.lastTrace.cached, JSON.stringify(worker.lastTrace));
  });
});

describe('the completion worker ending', function () {
  this.timeout(120_000);

  it('resolves a request open at dispose without a completion and refuses later ones with a clear error', async () => {
    const engine = await WorkerEngine.start(SHIPPED, script);
    const [r] = await typingCases(1);
    const open = engine.complete(r!, never());
    await engine.dispose();
    assert.equal(await open, undefined);
    await assert.rejects(
      engine.complete(r!, never()),
      (e: unknown) => e instanceof EngineStoppedError && /released/.test(e.message),
    );
    await assert.rejects(engine.applyPersonal(undefined), EngineStoppedError);
    await engine.dispose();
  });

  it('turns a worker that exits into a rejected request, refuses the next one and reports the stop', async () => {
    const engine = await WorkerEngine.start(SHIPPED, crashing);
    const stops: Error[] = [];
    engine.onDidStop((error) => stops.push(error));
    const ok = await engine.complete(request('import numpy as np\nimport matplotlib.pyplot as'), never());
    assert.equal(ok?.text, ' plt');
    await assert.rejects(
      engine.complete(request('// exit now\nconst a = '), never()),
      (e: unknown) => e instanceof EngineStoppedError && /exited \(code 7\)/.test(e.message),
    );
    await assert.rejects(engine.complete(request('const b = '), never()), EngineStoppedError);
    assert.equal(stops.length, 1);
    const late: Error[] = [];
    engine.onDidStop((error) => late.push(error));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(late.length, 1, 'a listener added after the stop still hears it');
    await engine.dispose();
  });

  it('puts the engine lifecycle into the error state, with the reason in the log, when the worker crashes, then starts a new worker', async () => {
    const records: LogRecord[] = [];
    const lifecycle = new EngineLifecycle(
      createLogger(
        (record) => records.push(record),
        () => 'debug',
      ),
      { delayMs: 10, maxRestarts: 1, windowMs: 60_000 },
    );
    await lifecycle.start(workerEngineLoader(SHIPPED, crashing));
    try {
      assert.equal(lifecycle.state.kind, 'ready');
      const engine = lifecycle.engine;
      assert.ok(engine);
      await assert.rejects(engine.complete(request('// throw now\nconst a = '), never()), /boom in the worker/);
      // (read again: the state changed under the awaited request)
      const state = lifecycle.state as OndiState;
      assert.equal(state.kind, 'error');
      assert.match(
        state.kind === 'error' ? state.message : '',
        /completion engine stopped: .*boom in the worker.*starting it again/,
      );
      assert.equal(lifecycle.engine, undefined);
      assert.ok(records.some((r) => r.level === 'error' && r.message.includes('boom in the worker')));
      const restarted = new Promise<void>((resolve) =>
        lifecycle.onDidChangeState((s) => s.kind === 'ready' && resolve()),
      );
      await restarted;
      const again = (lifecycle as EngineLifecycle).engine; // (read again: it changed under the await)
      assert.ok(again && again !== engine, 'a new worker serves completions');
      const completion = await again.complete(
        request('export function add(a: number, b: number) {\n  return '),
        never(),
      );
      assert.equal(typeof completion?.text, 'string');
    } finally {
      await lifecycle.dispose();
    }
  });

  it('ends in the error state, with the folder named, when the worker finds no model', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-no-model-'));
    const lifecycle = new EngineLifecycle(
      createLogger(
        () => undefined,
        () => 'debug',
      ),
    );
    try {
      await lifecycle.start(workerEngineLoader(empty, script));
      assert.equal(lifecycle.state.kind, 'error');
      assert.match(
        lifecycle.state.kind === 'error' ? lifecycle.state.message : '',
        /no model at .*config\.json is missing/,
      );
    } finally {
      await lifecycle.dispose();
      await fs.rm(empty, { recursive: true, force: true });
    }
  });
});
