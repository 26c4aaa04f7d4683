import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../src/core/store/atomicFile';
import { tempFolder } from './fixtures/tempFolder';

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  assert.ok(child.pid !== undefined);
  return child.pid;
}

describe('writeFileAtomic', () => {
  it('removes the temporary files of writers killed during a write, not those of live ones', async () => {
    const dir = await tempFolder('ondi-atomic-');
    const file = path.join(dir, 'outcomes.json');
    const dead = `.outcomes.json.${await deadPid()}.0a1b2c3d.tmp`;
    const live = `.outcomes.json.${process.pid}.0a1b2c3d.tmp`;
    const other = `.other.json.${await deadPid()}.0a1b2c3d.tmp`;
    for (const name of [dead, live, other]) await fs.writeFile(path.join(dir, name), '{"half":');

    await writeFileAtomic(file, '{"whole":true}');

    assert.deepEqual((await fs.readdir(dir)).sort(), [live, other, 'outcomes.json'].sort());
    assert.equal(await fs.readFile(file, 'utf8'), '{"whole":true}');
  });
});
