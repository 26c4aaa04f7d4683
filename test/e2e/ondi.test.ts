import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

const url = process.env.ONDI_E2E_URL;
const screenshots = process.env.ONDI_E2E_SCREENSHOTS ?? 'test-results/e2e';

describe('Ondi in VS Code, as a person uses it', function () {
  let workbench: Workbench;

  before(async function () {
    if (!url) {
      throw new Error('ONDI_E2E_URL is not set: run the e2e tier through `npm test` or `npm run test:e2e`');
    }
    workbench = await Workbench.open(url, screenshots);
  });

  after(async function () {
    await workbench?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  it('shows the Ondi status bar item, ready, once the workbench has loaded', async function () {
    const item = workbench.ondiStatusItem;
    await item.waitFor({ timeout: 60_000 });
    await item.locator('.codicon-sparkle').waitFor({ timeout: 60_000 });
    assert.match(await Workbench.textOf(item), /Ondi/);
    // ready means the shipped model is loaded, and the tooltip says which
    assert.match(
      (await item.getAttribute('aria-label')) ?? '',
      /^Ondi: ready\. pruned-int8 model, [\d.]+M parameters, loaded in \d+ ms/,
    );
    await workbench.screenshot('01-status-bar');
  });

  it('opens a TypeScript file from the explorer', async function () {
    await workbench.openFromExplorer('src', 'cart.ts');
    await workbench.page.locator('.tab', { hasText: 'cart.ts' }).waitFor();
    await workbench.page.locator('.view-lines', { hasText: 'export class Cart' }).waitFor();
    await workbench.screenshot('02-file-open');
  });

  it('runs "Ondi: Show Log" from the command palette and shows the Ondi log', async function () {
    await workbench.runCommand('Ondi: Show Log');
    const output = workbench.page.locator('.output-view, [id="workbench.panel.output"]').first();
    await output.locator('.view-lines', { hasText: 'activated' }).waitFor({ timeout: 30_000 });
    assert.match(await Workbench.textOf(output), /Ondi 0\.\d+\.\d+ activated/);
    await workbench.screenshot('03-show-log');
  });

  it('turns inline completions off and on from the palette, and the status bar follows', async function () {
    const item = workbench.ondiStatusItem;
    await workbench.runCommand('Ondi: Toggle Inline Completions');
    await item.locator('.codicon-circle-slash').waitFor({ timeout: 15_000 });
    await workbench.screenshot('04-toggled-off');
    await workbench.runCommand('Ondi: Toggle Inline Completions');
    await item.locator('.codicon-sparkle').waitFor({ timeout: 15_000 });
  });

  it('opens the dashboard when the status bar item is clicked, and the Ondi menu from the palette', async function () {
    await workbench.ondiStatusItem.click();
    await workbench.page.locator('.tab', { hasText: 'Ondi Dashboard' }).waitFor({ timeout: 15_000 });
    await workbench.webview.locator('#model').waitFor({ timeout: 30_000 });
    await workbench.runCommand('Ondi: Show Menu');
    const menu = workbench.page.locator('.quick-input-widget');
    await menu.locator('.monaco-list-row', { hasText: 'Show Log' }).waitFor();
    assert.match(await menu.innerText(), /Turn Inline Completions Off/);
    // and how completions have fared so far
    // (no completion may have been shown yet; one may have been asked for, or shown)
    assert.match(
      await menu.innerText(),
      /No completions shown yet|model p50 \d+ ms over \d+ calls?|accepted \d+ of \d+ shown \(\d+%\)/,
    );
    await workbench.screenshot('05-menu');
    await workbench.page.keyboard.press('Escape');
  });
});
