import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LIFT_FILE,
  liftRecordFile,
  loadLiftRecord,
  parseLiftRecord,
  saveLiftRecord,
  type LiftRecord,
} from '../../src/core/adapt/liftRecord';
import { unlearnedSources } from '../../src/core/adapt/liftSources';

describe('measured lift record', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-lift-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const record: LiftRecord = {
    measuredAt: '2025-05-06T10:00:00.000Z',
    trainedAt: '2025-05-06T09:00:00.000Z',
    lift: {
      basis: 'unseen',
      files: ['src/a.ts'],
      cases: 24,
      base: { em: 10, es: 40 },
      adapted: { em: 15, es: 44.5 },
      seconds: 3.2,
    },
  };

  it('lives next to the personal model, so deleting the model folder deletes it too', () => {
    assert.equal(liftRecordFile(path.join(dir, 'abc', 'personal.ondi')), path.join(dir, 'abc', LIFT_FILE));
  });

  it('round-trips, and is only read back for the training it measured', async () => {
    const file = liftRecordFile(path.join(dir, 'abc', 'personal.ondi'));
    await saveLiftRecord(file, record);
    assert.deepEqual(await loadLiftRecord(file, record.trainedAt), record);
    assert.equal(await loadLiftRecord(file, '2025-05-07T09:00:00.000Z'), undefined);
  });

  it('reads a missing, broken or foreign file as no record', async () => {
    const file = path.join(dir, LIFT_FILE);
    assert.equal(await loadLiftRecord(file, record.trainedAt), undefined);
    await fs.writeFile(file, '{"version": 1, "lift": ');
    assert.equal(await loadLiftRecord(file, record.trainedAt), undefined);
    assert.equal(parseLiftRecord({ ...record, version: 2 }), undefined);
    assert.equal(parseLiftRecord({ version: 1, ...record, lift: { ...record.lift, base: { em: 'x' } } }), undefined);
  });

  it('is not read back when it was measured on files the model learned (an older record)', () => {
    assert.equal(parseLiftRecord({ version: 1, ...record, lift: { ...record.lift, basis: 'seen' } }), undefined);
  });
});

describe('the files the lift is measured on', () => {
  const src = (label: string) => ({ label });
  const workspace = ['src/new.ts', 'src/changed.ts', 'src/old.ts', 'lib/never.py'].map(src);

  it('leaves out every file of the training set, changed since or not, and keeps the order', () => {
    const picked = unlearnedSources(workspace, { files: 2, fileList: ['src/changed.ts', 'src/old.ts'] });
    assert.equal(picked.none, undefined);
    assert.deepEqual(
      picked.sources.map((s) => s.label),
      ['src/new.ts', 'lib/never.py'],
    );
  });

  it('says so instead of measuring when the model learned every file', () => {
    const picked = unlearnedSources(workspace, { files: 4, fileList: workspace.map((s) => s.label) });
    assert.deepEqual(picked.sources, []);
    assert.match(picked.none ?? '', /learned every file in this workspace \(4\)/);
  });

  it('measures nothing when the model file names only part of what it learned', () => {
    const picked = unlearnedSources(workspace, { files: 300, fileList: ['src/old.ts'] });
    assert.deepEqual(picked.sources, []);
    assert.match(picked.none ?? '', /names only 1 of the 300 files/);
  });
});
