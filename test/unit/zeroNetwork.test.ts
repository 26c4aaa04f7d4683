import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLeaks, runTraced, straceAvailable, type TracedRun } from './fixtures/syscallTrace';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const WORKSPACE = path.join(ROOT, 'test/fixtures/demo-workspace');

function assertNothingLeaves(run: TracedRun, what: string): void {
  assert.equal(run.status, 0, `${what} failed: ${run.stderr.slice(-2000)}`);
  // a tracer that saw nothing would pass anything: it must have seen the model loaded (the
  // number of calls alone varies by machine: 82 to a few hundred for `ondi complete`)
  assert.ok(run.sawModelOpen, `${what}: strace never saw the model file opened (${run.tracedCalls} calls)`);
  assert.deepEqual(run.findings, [], `${what} reached for the network or wrote outside its own files`);
}

describe('zero network at the system-call level (strace on the ondi CLI)', function () {
  this.timeout(240_000);
  let out: string;
  before(function () {
    assert.ok(straceAvailable(), 'strace is needed to prove zero network (apt-get install strace)');
    out = mkdtempSync(path.join(os.tmpdir(), 'ondi-out-'));
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('reads the trace rules right: a lookup, an internet socket, the machine id and a home write are found', () => {
    const trace = [
      '101 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 21',
      '101 openat(AT_FDCWD, "/etc/resolv.conf", O_RDONLY|O_CLOEXEC) = 22',
      '101 openat(AT_FDCWD, "/etc/machine-id", O_RDONLY) = 21',
      '101 openat(AT_FDCWD, "/h/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db", O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0644) = 21',
      '101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3',
      '101 openat(AT_FDCWD, "/h/.bashrc", O_RDONLY) = 4',
    ].join('\n');
    assert.deepEqual(
      findLeaks(trace, '/h').map((f) => f.kind),
      ['internet socket', 'name lookup', 'machine identity', 'home folder write'],
    );
  });

  it('ondi complete', () => {
    const run = runTraced(process.execPath, [
      CLI,
      'complete',
      '--file',
      path.join(WORKSPACE, 'src/cart.ts'),
      '--line',
      '3',
      '--col',
      '2',
      '--json',
    ]);
    assertNothingLeaves(run, 'ondi complete');
    assert.equal(typeof (JSON.parse(run.stdout) as { completion: unknown }).completion, 'string');
  });

  it('ondi adapt', () => {
    const file = path.join(out, 'personal.ondi');
    const run = runTraced(process.execPath, [
      CLI,
      'adapt',
      '--dir',
      WORKSPACE,
      '--out',
      file,
      '--max-tokens',
      '2000',
      '--json',
    ]);
    assertNothingLeaves(run, 'ondi adapt');
  });

  it('ondi eval completion --train', () => {
    const run = runTraced(process.execPath, [
      CLI,
      'eval',
      'completion',
      '--test',
      // code the personal model did not learn: test files that repeat a train file are left out
      path.join(ROOT, 'test/fixtures/cli'),
      '--train',
      WORKSPACE,
      '--samples',
      '40',
      '--json',
    ]);
    assertNothingLeaves(run, 'ondi eval completion');
  });
});
