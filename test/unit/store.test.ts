import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLock } from '../../src/core/store/fileLock';
import { clearLeftovers } from '../../src/core/store/leftovers';

/** A pid no process has: far above any pid_max. */
const DEAD_PID = 2 ** 30;

describe('store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-store-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('withLock takes over a dead writer’s lock and removes the lock afterwards', async () => {
    const lock = path.join(dir, 'file.lock');
    await fs.writeFile(lock, String(DEAD_PID));
    assert.equal(await withLock(lock, async () => 'done'), 'done');
    await assert.rejects(fs.stat(lock), { code: 'ENOENT' });
  });

  it('withLock throws what the caller names when a live writer holds the lock', async () => {
    const lock = path.join(dir, 'file.lock');
    await fs.writeFile(lock, String(process.pid));
    await assert.rejects(
      withLock(
        lock,
        async () => 'never',
        () => new Error('busy'),
      ),
      /busy/,
    );
  }).timeout(20_000);

  it('clearLeftovers removes dead writers’ temporary files and keeps a live writer’s', async () => {
    const file = path.join(dir, 'personal.ondi');
    const dead = `${file}.${DEAD_PID}.1.tmp`;
    const live = `${file}.${process.pid}.2.tmp`;
    await Promise.all([fs.writeFile(dead, ''), fs.writeFile(live, '')]);
    assert.equal(await clearLeftovers(file), 1);
    assert.deepEqual((await fs.readdir(dir)).sort(), [path.basename(live)]);
  });
});
