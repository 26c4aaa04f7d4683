import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateOndi } from './helpers';

/** Polls an asynchronous check until it holds. */
async function eventuallyAsync(check: () => Promise<boolean>, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function findTask(label: string): Promise<vscode.Task> {
  const task = (await vscode.tasks.fetchTasks()).find((t) => t.name === label);
  assert.ok(task, `the demo workspace defines the task "${label}" in .vscode/tasks.json`);
  return task;
}

/** Resolves when a task with this name starts (and, with `untilEnd`, when its process ends). */
function taskRun(label: string, untilEnd: boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = untilEnd
      ? vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === label) {
            listener.dispose();
            resolve();
          }
        })
      : vscode.tasks.onDidStartTask((e) => {
          if (e.execution.task.name === label) {
            listener.dispose();
            resolve();
          }
        });
  });
}

async function editAndSave(file: vscode.Uri, round: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(file, { preview: false });
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  assert.ok(await editor.edit((edit) => edit.insert(end, `\n// round ${round}`)));
  assert.ok(await editor.document.save());
}

const why = async (): Promise<string> => (await vscode.commands.executeCommand<string>('ondi.whyNextStep')) ?? '';

describe('next steps in the extension host', function () {
  this.timeout(120_000);
  let cart: vscode.Uri;

  before(async () => {
    await activateOndi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    cart = vscode.Uri.joinPath(folder.uri, 'src', 'cart.ts');
  });

  it('learns "edit a file, save, run a task" and runs that task through "Ondi: Next Step"', async () => {
    const task = await findTask('check');
    for (let round = 0; round < 4; round++) {
      await editAndSave(cart, round);
      const ended = taskRun('check', true);
      await vscode.tasks.executeTask(task);
      await ended;
    }
    await editAndSave(cart, 4);
    let text = '';
    await eventuallyAsync(async () => (text = await why()).includes('suggests "Run task check"'), () => `Ondi suggests the task; it says: ${text}`);
    assert.match(text, /After saving (a \*\.ts file|cart\.ts), you ran the task `check` (4|[5-9]) times/);

    const started = taskRun('check', false);
    const performed = await vscode.commands.executeCommand<string>('ondi.nextStep', { perform: 0 });
    assert.equal(performed, 'task:check');
    await started;
  });

  it('forgets the history on request', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('ondi.forgetNextSteps', { confirmed: true }), true);
    assert.match(await why(), /no suggestion yet/);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
