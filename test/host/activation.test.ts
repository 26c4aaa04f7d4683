import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateOndi, eventually } from './helpers';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('activation', () => {
  it('activates in the real extension host', async () => {
    const { extension } = await activateOndi();
    assert.equal(extension.isActive, true);
  });

  it('activates lazily, never on "*"', async () => {
    const { extension } = await activateOndi();
    const events = extension.packageJSON.activationEvents as string[];
    assert.ok(events.length > 0);
    assert.ok(!events.includes('*'));
  });

  it('registers every contributed command, and no ondi command that is not contributed', async () => {
    const { extension } = await activateOndi();
    const contributed = (extension.packageJSON.contributes.commands as ContributedCommand[]).map((c) => c.command);
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('ondi.'));
    assert.deepEqual([...registered].sort(), [...contributed].sort());
  });

  it('puts every command under the "Ondi" category', async () => {
    const { extension } = await activateOndi();
    for (const command of extension.packageJSON.contributes.commands as ContributedCommand[]) {
      assert.equal(command.category, 'Ondi', command.command);
    }
  });

  it('loads the shipped model in the background and reports it ready', async () => {
    const { api } = await activateOndi();
    await eventually(() => api.state().kind !== 'loading', 'the model has loaded', 60_000);
    const state = api.state();
    assert.equal(state.kind, 'ready', JSON.stringify(state));
    assert.match(
      state.kind === 'ready' ? (state.detail ?? '') : '',
      /^pruned-int8 model, [\d.]+M parameters, loaded in \d+ ms$/,
    );
  });

  it('runs "Ondi: Show Log" and "Ondi: Show Menu" without errors', async () => {
    await activateOndi();
    await vscode.commands.executeCommand('ondi.showLog');
    const menu = vscode.commands.executeCommand('ondi.showMenu');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await menu, undefined);
  });
});
