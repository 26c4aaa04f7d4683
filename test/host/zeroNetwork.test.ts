import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nativeTelemetryFolder } from '../../src/core/base/nativeTelemetry';
import { findLeaks, STRACE_ARGS, straceAvailable } from '../unit/fixtures/syscallTrace';
import { activateOndi, eventually } from './helpers';

// onnxruntime's own folder: the editor itself may keep a device id one level up (DeveloperTools/deviceid)
const RUNTIME_TELEMETRY = nativeTelemetryFolder(os.homedir());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('zero network from the extension host (strace attached to every thread of it)', function () {
  this.timeout(300_000);

  it('completes and learns with no internet socket, name lookup, machine-id read or home-folder write, and the runtime never kept telemetry', async () => {
    assert.ok(straceAvailable(), 'strace is needed to prove zero network (apt-get install strace)');
    const { api } = await activateOndi();
    await eventually(() => api.state().kind === 'ready', 'the model is ready', 60_000);

    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-host-trace-'));
    const traceFile = path.join(scratch, 'trace.txt');
    const tracer = spawn('strace', [...STRACE_ARGS, '-p', String(process.pid), '-o', traceFile], { stdio: 'ignore' });
    const ended = new Promise((resolve) => tracer.once('exit', resolve));
    const started = Date.now();
    try {
      await eventually(() => existsSync(traceFile), 'strace is attached', 20_000);
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'a workspace folder is open');
      const file = path.join(folder.uri.fsPath, 'src', 'traced.ts');
      await fs.writeFile(file, 'export function total(prices: number[]): number {\n  return prices.');
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      editor.selection = new vscode.Selection(end, end);
      const shown = api.outcomes().counts.shown;
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await eventually(() => api.outcomes().counts.shown > shown, 'a completion was shown', 60_000);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await fs.rm(file, { force: true });
      // a learning worker starts and loads its own model while traced
      assert.equal(await vscode.commands.executeCommand<boolean>('ondi.trainPersonalModel'), true);
      // the runtime's uploader, when on, first tries about ten seconds after it starts
      const left = 15_000 - (Date.now() - started);
      if (left > 0) await sleep(left);
    } finally {
      tracer.kill('SIGINT');
      await ended;
    }
    const trace = await fs.readFile(traceFile, 'utf8');
    await fs.rm(scratch, { recursive: true, force: true });
    const lines = trace.split('\n');
    assert.ok(lines.length > 100, `strace recorded only ${lines.length} calls`);
    assert.deepEqual(findLeaks(trace, os.homedir()), []);
    assert.equal(existsSync(RUNTIME_TELEMETRY), false, `${RUNTIME_TELEMETRY} exists: the runtime kept telemetry`);
  });
});
