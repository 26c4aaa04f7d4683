import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdapterFileError, decodeAdapter, encodeAdapter } from '../../src/core/adapt/adapterFile';
import { loadLiftRecord, parseLiftRecord } from '../../src/core/adapt/liftRecord';
import { LowRankAdapter } from '../../src/core/adapt/lowRankAdapter';
import { loadPersonalModel } from '../../src/core/adapt/personalStore';
import { OutcomeStore } from '../../src/core/outcomes/outcomeStore';
import {
  emptyOutcomeStats,
  parseOutcomeStats,
  recordLatency,
  recordOutcome,
  type OutcomeStats,
} from '../../src/core/outcomes/outcomes';
import { DEFAULT_CONFIG, LIMITS, parseConfig } from '../../src/core/config';
import { seededRandom } from '../../src/core/eval/lineSamples';
import type { Logger } from '../../src/core/log';
import { parseEvent } from '../../src/core/next/signals/eventLog';
import { loadEventLog, saveEventLog } from '../../src/core/next/signals/eventLogFile';
import { eventsOf, liftOf } from './fixtures/persistedKinds';
import {
  fuzzSeed,
  int,
  mutateBytes,
  mutateJson,
  randomBytes,
  randomJson,
  randomText,
  type Rand,
} from './fixtures/fuzzInputs';

/**
 * Random bytes, hostile text, random JSON and damaged valid files through every reader of
 * Ondi's stored state: none may throw anything but its own clear error, and what a reader
 * accepts must be well-formed (it survives being saved and read again unchanged).
 */
const SEED = fuzzSeed();
const CASES = 150;
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** One random stored file: bytes, text, a JSON value or a damaged valid document. */
function randomContent(rand: Rand, valid: unknown): string | Buffer {
  switch (int(rand, 4)) {
    case 0:
      return randomBytes(rand);
    case 1:
      return randomText(rand);
    case 2:
      return JSON.stringify(randomJson(rand, 4)) ?? 'null';
    default:
      return mutateJson(rand, valid);
  }
}

const roundTrips = <T>(parse: (raw: unknown) => T | undefined, value: T): boolean =>
  JSON.stringify(parse(JSON.parse(JSON.stringify(value)))) === JSON.stringify(value);

describe(`fuzz: Ondi's readers of stored state (seed ${SEED})`, function () {
  this.timeout(60_000);
  let dir: string;
  const cases = new Map<string, number>();

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-fuzz-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    console.log(`    fuzz cases (seed ${SEED}): ${[...cases].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  });

  it('the next-step log: never throws, moves an unreadable file aside, keeps only well-formed events', async () => {
    const rand = seededRandom(SEED);
    const valid = {
      format: 'ondi-next-steps',
      version: 1,
      savedAt: 1,
      events: eventsOf(1).slice(-5),
      predictor: { threshold: 0.3, calibration: { hits: [1], tries: [2] } },
    };
    for (let i = 0; i < CASES; i++) {
      const file = path.join(dir, `log-${i}.json`);
      await fs.writeFile(file, randomContent(rand, valid));
      const loaded = await loadEventLog(file, i);
      for (const event of loaded.events)
        assert.deepEqual(parseEvent(JSON.parse(JSON.stringify(event))), event, `case ${i}`);
      if (loaded.problem)
        assert.ok(
          loaded.movedTo && (await fs.stat(loaded.movedTo)).isFile(),
          `case ${i}: the unreadable file is kept aside`,
        );
      // what was read can be saved and read again as it is
      await saveEventLog(file, loaded.events, loaded.predictor, 1, loaded.forgotten);
      const again = await loadEventLog(file);
      assert.equal(again.problem, undefined, `case ${i}`);
      assert.deepEqual(again.events, loaded.events, `case ${i}`);
    }
    cases.set('event log', CASES);
  });

  it('outcome statistics: never throw; what is accepted counts on and survives a save', async () => {
    const rand = seededRandom(SEED + 1);
    const valid = recordLatency(
      recordOutcome(
        recordOutcome(emptyOutcomeStats(), { kind: 'shown', languageId: 'ts', chars: 5 }, 0),
        { kind: 'accepted', languageId: 'py', chars: 3 },
        0,
      ),
      12,
    );
    for (let i = 0; i < CASES * 4; i++) {
      const content = randomContent(rand, valid);
      const text = typeof content === 'string' ? content : content.toString('utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        continue;
      }
      const parsed = parseOutcomeStats(raw);
      if (!parsed) continue;
      assert.ok(roundTrips(parseOutcomeStats, parsed), `case ${i}: ${text.slice(0, 300)}`);
      const next: OutcomeStats = recordOutcome(parsed, { kind: 'shown', languageId: 'ts', chars: 1 }, 0);
      assert.equal(next.counts.shown, parsed.counts.shown + 1, `case ${i}`);
    }
    // and through the store itself, from files
    for (let i = 0; i < CASES / 3; i++) {
      const file = path.join(dir, `outcomes-${i}.json`);
      await fs.writeFile(file, randomContent(rand, valid));
      const store = new OutcomeStore({ file, log: quiet, flushDelayMs: 3_600_000 });
      await store.whenLoaded();
      store.record({ kind: 'shown', languageId: 'ts', chars: 1 });
      await store.flush();
      assert.ok(
        parseOutcomeStats(JSON.parse(await fs.readFile(file, 'utf8'))),
        `case ${i}: the store saved readable stats`,
      );
    }
    cases.set('outcome statistics', CASES * 4 + Math.floor(CASES / 3));
  });

  it('the lift record: never throws, undefined unless well-formed', async () => {
    const rand = seededRandom(SEED + 2);
    const valid = { version: 1, ...liftOf(7) };
    for (let i = 0; i < CASES; i++) {
      const file = path.join(dir, `lift-${i}.json`);
      await fs.writeFile(file, randomContent(rand, valid));
      const record = await loadLiftRecord(file, '7');
      if (record)
        assert.ok(
          roundTrips((raw) => parseLiftRecord({ version: 1, ...(raw as object) }), record),
          `case ${i}`,
        );
    }
    cases.set('lift record', CASES);
  });

  it('the personal model file: only AdapterFileError, and a damaged file is set aside, never applied', async () => {
    const rand = seededRandom(SEED + 3);
    const valid = encodeAdapter({
      modelId: 'base',
      adapter: new LowRankAdapter({ hidden: 16, rank: 2, vocab: 64 }),
      tokens: new Uint16Array([1, 2, 3]),
      meta: { generation: 1 },
    });
    let accepted = 0;
    for (let i = 0; i < CASES * 4; i++) {
      const data = rand() < 0.5 ? randomBytes(rand) : mutateBytes(rand, valid);
      try {
        decodeAdapter(data, 'base');
        accepted++;
        assert.ok(
          data.equals(valid) || data.subarray(0, valid.length).equals(valid),
          `case ${i}: a changed file was accepted`,
        );
      } catch (error) {
        assert.ok(error instanceof AdapterFileError, `case ${i}: ${String(error)}`);
      }
    }
    for (let i = 0; i < 20; i++) {
      const file = path.join(dir, `personal-${i}`, 'personal.ondi');
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, mutateBytes(rand, valid));
      const loaded = await loadPersonalModel(file, 'base');
      assert.ok(loaded.kind === 'discarded' || loaded.kind === 'loaded', `case ${i}: ${loaded.kind}`);
    }
    assert.ok(accepted < CASES * 4, 'damaged files were refused');
    cases.set('personal model', CASES * 4 + 20);
  });

  it('settings: any value of any setting gives a config inside its limits, and a problem for what was ignored', () => {
    const rand = seededRandom(SEED + 4);
    for (let i = 0; i < CASES * 4; i++) {
      const values = new Map<string, unknown>();
      const { config } = parseConfig((key) => {
        if (!values.has(key)) values.set(key, rand() < 0.3 ? undefined : randomJson(rand, 2));
        return values.get(key);
      });
      for (const [key, limit] of Object.entries(LIMITS) as [keyof typeof LIMITS, { min: number; max: number }][]) {
        const v = config[key];
        assert.ok(Number.isFinite(v) && v >= limit.min && v <= limit.max, `case ${i}: ${key} = ${v}`);
      }
      assert.equal(typeof config.enable, 'boolean');
      assert.ok(
        config.languages.every((l) => typeof l === 'string' && l.trim() === l && l !== ''),
        `case ${i}`,
      );
      assert.ok(
        ['error', 'warn', 'info', 'debug', 'trace', 'off'].includes(config.logLevel) ||
          config.logLevel === DEFAULT_CONFIG.logLevel,
        `case ${i}`,
      );
    }
    cases.set('settings', CASES * 4);
  });
});

describe(`fuzz: outcome statistics under any language id (seed ${SEED})`, () => {
  it('counting under ids such as "constructor" or "__proto__" keeps whole counts that are saved and read back', () => {
    const rand = seededRandom(SEED + 5);
    const ids = ['typescript', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '', 'other'];
    let stats = emptyOutcomeStats();
    const kinds = ['shown', 'accepted', 'typedAlong', 'dismissed'] as const;
    for (let i = 0; i < 400; i++) {
      stats = recordOutcome(
        stats,
        { kind: kinds[int(rand, 4)] ?? 'shown', languageId: ids[int(rand, ids.length)] ?? '', chars: int(rand, 20) },
        0,
      );
      const read = parseOutcomeStats(JSON.parse(JSON.stringify(stats)));
      assert.ok(read, `after ${i + 1} outcomes the saved stats are readable: ${JSON.stringify(stats.byLanguage)}`);
      assert.deepEqual(JSON.parse(JSON.stringify(read)), JSON.parse(JSON.stringify(stats)), `case ${i}`);
    }
    const perLanguage = Object.values(stats.byLanguage).reduce(
      (sum, c) => sum + c.shown + c.tab + c.typedAlong + c.dismissed,
      0,
    );
    assert.equal(perLanguage, 400, 'every outcome is counted under its language');
  });
});
