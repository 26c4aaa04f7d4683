import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateOndi, eventually, withUserSetting } from './helpers';

describe('settings and the inline completion provider', () => {
  it('registers the inline completion provider for the default languages', async () => {
    const { api, extension } = await activateOndi();
    const contributedDefault = extension.packageJSON.contributes.configuration.properties['ondi.languages'].default;
    assert.deepEqual(api.inlineCompletionLanguages(), contributedDefault);
  });

  it('reads ondi.* settings into the typed config, clamping out-of-range values', async () => {
    const { api } = await activateOndi();
    await withUserSetting('maxTokens', 100000, async () => {
      await eventually(() => api.config().maxTokens === 256, 'maxTokens is clamped to 256');
    });
    await eventually(() => api.config().maxTokens === 48, 'maxTokens is back to its default');
    await withUserSetting('logLevel', 'debug', async () => {
      await eventually(() => api.config().logLevel === 'debug', 'logLevel is debug');
    });
  });

  it('re-registers the provider when ondi.languages changes', async () => {
    const { api } = await activateOndi();
    await withUserSetting('languages', ['python', 'go'], async () => {
      await eventually(() => api.inlineCompletionLanguages().join() === 'python,go', 'provider follows ondi.languages');
    });
    await eventually(() => api.inlineCompletionLanguages().includes('typescript'), 'provider is back on the defaults');
  });

  it('flips ondi.enable with "Ondi: Toggle Inline Completions" and shows it in the state', async () => {
    const { api } = await activateOndi();
    const enabled = () => vscode.workspace.getConfiguration('ondi').get<boolean>('enable');
    assert.equal(enabled(), true);
    await vscode.commands.executeCommand('ondi.toggleInlineCompletions');
    await eventually(() => enabled() === false && api.state().kind === 'disabled', 'completions are off');
    await vscode.commands.executeCommand('ondi.toggleInlineCompletions');
    await eventually(() => enabled() === true && api.state().kind === 'ready', 'completions are on again');
    await vscode.workspace.getConfiguration('ondi').update('enable', undefined, vscode.ConfigurationTarget.Global);
  });
});
