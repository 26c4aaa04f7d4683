import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { writeAdapterFile } from '../../src/core/adapt/adapterFile';
import { loadLiftRecord, saveLiftRecord } from '../../src/core/adapt/liftRecord';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { loadPersonalModel } from '../../src/core/adapt/personalStore';
import { OutcomeStore } from '../../src/core/outcomes/outcomeStore';
import { seededRandom } from '../../src/core/eval/lineSamples';
import type { Logger } from '../../src/core/log';
import { loadEventLog, saveEventLog } from '../../src/core/next/signals/eventLogFile';
import { PERSONAL_MODEL_ID, PERSONAL_SHAPE, eventsOf, generationOfEvents, liftOf } from './fixtures/persistedKinds';

/**
 * kill -9 in the middle of every kind of write Ondi makes, then the reader Ondi itself uses
 * at the next start: it must find the state before the interrupted write or the one it was
 * writing, never a torn file. The writer is bundled once so each kill costs a plain Node start.
 */
const SEED = Number(process.env['ONDI_FUZZ_SEED'] ?? 20_240_611);
const KILLS_PER_KIND = 25;
/** Kill this many milliseconds (at most) after the writer announced its first write. */
const MAX_DELAY_MS = 30;

type Kind = 'personal' | 'outcomes' | 'eventLog' | 'lift';

interface Reading {
  /** The generation found, or undefined when the reader found none. */
  readonly generation: number | undefined;
  /** What the reader complained about, if anything (an unreadable state). */
  readonly problem?: string | undefined;
}

function warningsTo(problems: string[]): Logger {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (m) => problems.push(m),
    error: (m) => problems.push(m),
  };
}

/** Each kind: its file name, how to store generation 0, and Ondi's own reader of it. */
const KINDS: Record<
  Kind,
  {
    file: string;
    seed: (file: string) => Promise<void>;
    read: (file: string, expected: readonly number[]) => Promise<Reading>;
  }
> = {
  personal: {
    file: 'personal.ondi',
    seed: (file) =>
      writeAdapterFile(file, {
        modelId: PERSONAL_MODEL_ID,
        adapter: new LowRankAdapter(PERSONAL_SHAPE),
        tokens: new Uint16Array(10),
        meta: { generation: 0 },
      }),
    read: async (file) => {
      const loaded = await loadPersonalModel(file, PERSONAL_MODEL_ID);
      if (loaded.kind !== 'loaded') return { generation: undefined, problem: JSON.stringify(loaded) };
      const generation = Number(loaded.contents.meta['generation']);
      const consistent =
        loaded.contents.adapter.b[0] === generation &&
        (generation === 0 || loaded.contents.tokens[0] === generation % 65536);
      return consistent ? { generation } : { generation, problem: 'the matrices do not belong to the header' };
    },
  },
  outcomes: {
    file: 'outcomes.json',
    seed: async (file) => {
      const store = new OutcomeStore({ file, log: warningsTo([]) });
      await store.whenLoaded();
      store.record({ kind: 'dismissed', languageId: 'typescript', chars: 0 }); // a save that keeps the generation
      await store.flush();
    },
    read: async (file) => {
      const problems: string[] = [];
      const store = new OutcomeStore({ file, log: warningsTo(problems), flushDelayMs: 3_600_000 });
      await store.whenLoaded();
      return { generation: store.stats.counts.shown, problem: problems[0] };
    },
  },
  eventLog: {
    file: 'next-steps.json',
    seed: (file) => saveEventLog(file, eventsOf(0), undefined, 0),
    read: async (file) => {
      const loaded = await loadEventLog(file);
      return { generation: generationOfEvents(loaded.events), problem: loaded.problem };
    },
  },
  lift: {
    file: 'lift.json',
    seed: (file) => saveLiftRecord(file, liftOf(0)),
    read: async (file, expected) => {
      for (const generation of expected) {
        if (await loadLiftRecord(file, String(generation))) return { generation };
      }
      return { generation: undefined, problem: `no lift record for generation ${expected.join(' or ')}` };
    },
  },
};

/** Starts the writer, kills it `delayMs` after its first announced write; resolves with the last generation announced. */
async function killDuringWrite(
  script: string,
  kind: Kind,
  file: string,
  firstGeneration: number,
  delayMs: number,
): Promise<number> {
  const writer = spawn(process.execPath, [script, kind, file, String(firstGeneration)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let announced!: () => void;
  const started = new Promise<void>((resolve) => (announced = resolve));
  writer.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('writing')) announced();
  });
  const closed = new Promise<void>((resolve) => writer.stdout.once('close', resolve));
  const exited = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  await Promise.race([started, exited]);
  await new Promise((r) => setTimeout(r, delayMs));
  writer.kill('SIGKILL');
  await exited;
  await closed; // everything the writer announced before it died is read
  const generations = [...output.matchAll(/writing (\d+)/g)].map((m) => Number(m[1]));
  const last = generations[generations.length - 1];
  if (last === undefined) throw new Error(`the ${kind} writer never started: ${output}`);
  return last;
}

describe('every persisted write survives kill -9 (old or new state, never torn)', function () {
  this.timeout(120_000);
  let dir: string;
  let script: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-kills-'));
    script = path.join(dir, 'persistedWriter.js');
    await build({
      entryPoints: [path.join(__dirname, 'fixtures', 'persistedWriter.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: script,
      logLevel: 'silent',
    });
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const kinds = Object.keys(KINDS) as Kind[];
  for (const kind of kinds) {
    it(`${kind}: ${KILLS_PER_KIND} kills at random moments of its writes (seed ${SEED})`, async () => {
      const rand = seededRandom(SEED + kinds.indexOf(kind));
      const { file: name, seed, read } = KINDS[kind];
      const folder = path.join(dir, kind);
      const file = path.join(folder, name);
      await seed(file);
      let previous = 0;
      const seen = new Set<number>();
      const unreadable: string[] = [];
      for (let round = 0; round < KILLS_PER_KIND; round++) {
        const delayMs = Math.floor(rand() * MAX_DELAY_MS);
        const last = await killDuringWrite(script, kind, file, previous + 1, delayMs);
        // the write of `last` was cut at some point: before its rename the old state stands
        const expected = [last, last - 1];
        const reading = await read(file, expected);
        if (
          reading.problem !== undefined ||
          reading.generation === undefined ||
          !expected.includes(reading.generation)
        ) {
          unreadable.push(
            `round ${round} (kill ${delayMs} ms in, writing ${last}): found ${String(reading.generation)}, ${reading.problem ?? ''}`,
          );
          break;
        }
        seen.add(reading.generation);
        previous = reading.generation;
      }
      assert.deepEqual(unreadable, [], `seed ${SEED}: ${unreadable.join('; ')}`);
      assert.ok(
        [...seen].some((g) => g > 0),
        `writes went through between the kills (generations read: ${[...seen].join(', ')})`,
      );
      await seed(file); // the next save after the kills
      const leftovers = (await fs.readdir(folder)).filter((n) => n.endsWith('.tmp'));
      assert.deepEqual(
        leftovers,
        [],
        'no temporary file of a killed writer stays behind once the state is read and written again',
      );
    });
  }
});
