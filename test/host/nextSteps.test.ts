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
  let money: vscode.Uri;
  let recentActions: (limit: number) => readonly string[];

  before(async () => {
    const { api } = await activateOndi();
    recentActions = api.recentActions;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    cart = vscode.Uri.joinPath(folder.uri, 'src', 'cart.ts');
    money = vscode.Uri.joinPath(folder.uri, 'src', 'money.ts');
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
    await eventuallyAsync(
      async () => (text = await why()).includes('suggests "Run task check"'),
      () => `Ondi suggests the task; it says: ${text}`,
    );
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

  it('suggests fixing errors that appear in a file the user is not in, and drops it once they are fixed', async () => {
    await vscode.window.showTextDocument(cart, { preview: false });
    const problems = vscode.languages.createDiagnosticCollection('ondi-host-test');
    try {
      problems.set(money, [
        new vscode.Diagnostic(new vscode.Range(0, 0, 0, 6), 'broken on purpose', vscode.DiagnosticSeverity.Error),
      ]);
      let text = '';
      await eventuallyAsync(
        async () => (text = await why()).includes('suggests "Fix errors in money.ts"'),
        () => `Ondi suggests fixing money.ts; it says: ${text}`,
      );
      assert.match(text, /money\.ts got errors while you were in another file/);
      assert.equal(await vscode.commands.executeCommand<string>('ondi.nextStep', { perform: 0 }), 'open:src/money.ts');
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), money.toString());
      problems.clear();
      await eventuallyAsync(
        async () => recentActions(5).includes('errorsFixed:src/money.ts'),
        () => `the fix is recorded; latest: ${recentActions(5).join(', ')}`,
      );
      // (another test's file may have errors of its own: only this one must be dropped)
      assert.doesNotMatch(await why(), /Fix errors in money\.ts/);
    } finally {
      problems.dispose();
    }
  });

  it('records undo and redo as one undo step, not as edits', async () => {
    const editor = await vscode.window.showTextDocument(cart, { preview: false });
    assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// scratch\n')));
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('redo');
    await vscode.commands.executeCommand('undo');
    await eventuallyAsync(
      async () => recentActions(2).join() === 'edit:src/cart.ts,undo:src/cart.ts',
      () => `an edit then one undo step; latest: ${recentActions(4).join(', ')}`,
    );
    assert.equal(editor.document.isDirty, false);
  });

  it('counts switching to a file as opening it only once the user works in it', async () => {
    await vscode.window.showTextDocument(money, { preview: false });
    await vscode.window.showTextDocument(cart, { preview: false }); // money.ts was only passed through
    await vscode.commands.executeCommand('cursorDown');
    await eventuallyAsync(
      async () => recentActions(1)[0] === 'open:src/cart.ts',
      () => `cart.ts counts as opened; latest: ${recentActions(4).join(', ')}`,
    );
    assert.notEqual(recentActions(2)[0], 'open:src/money.ts');
  });

  it('suggests the file a new import brings in, from the code alone, with no history learned', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('ondi.forgetNextSteps', { confirmed: true }), true);
    const editor = await vscode.window.showTextDocument(cart, { preview: false });
    try {
      assert.ok(
        await editor.edit((edit) =>
          edit.insert(new vscode.Position(1, 0), "import { describeShipping } from './shipping';\n"),
        ),
      );
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      assert.ok(await editor.edit((edit) => edit.insert(end, '\nexport const shippingNote = describeShipping(0);\n')));
      let text = '';
      await eventuallyAsync(
        async () => (text = await why()).includes('"Open shipping.ts"'),
        () => `Ondi suggests opening shipping.ts; it says: ${text}`,
        30_000,
      );
      assert.match(text, /cart\.ts now imports shipping\.ts/);
    } finally {
      await vscode.window.showTextDocument(cart, { preview: false });
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
