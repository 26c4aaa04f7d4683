import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { personalModelFile } from '../../src/core/adapt/personalStore';
import { Workbench, writeCheckoutFile } from './workbench';

const url = process.env.ONDI_E2E_URL;
/**
 * A copy of the demo workspace of its own: windows of the other test files stay alive in
 * code-server after they close and learn their workspace when idle, and this test must be
 * the only one writing its personal model.
 */
const workspace = process.env.ONDI_E2E_WORKSPACE ? `${process.env.ONDI_E2E_WORKSPACE}-personal` : '';
const userData = process.env.ONDI_E2E_USER_DATA ?? '';
const screenshots = process.env.ONDI_E2E_SCREENSHOTS ?? 'test-results/e2e';

/** Polls until `check` holds. */
async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * A person trains Ondi on their project from the palette, watches it learn in the status bar,
 * looks at what it learned, and deletes it again. The session starts with a damaged personal
 * model on disk (as a crash or a full disk might leave it), which Ondi must set aside.
 */
describe('personalization in VS Code, as a person uses it', function () {
  let workbench: Workbench;
  const modelFile = () => personalModelFile(path.join(userData, 'User', 'globalStorage', 'ondi.ondi'), [workspace]);

  before(async function () {
    if (!url || !workspace || !userData) {
      throw new Error(
        'ONDI_E2E_URL/WORKSPACE/USER_DATA are not set: run the e2e tier through `npm test` or `npm run test:e2e`',
      );
    }
    cpSync(process.env.ONDI_E2E_WORKSPACE ?? '', workspace, { recursive: true });
    mkdirSync(path.dirname(modelFile()), { recursive: true });
    writeFileSync(modelFile(), Buffer.concat([Buffer.from('ONDIADPT'), Buffer.alloc(4000, 7)]));
    // learn slowly enough that a person (and this test) sees the progress in the status bar
    const settingsFile = path.join(userData, 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'ondi.learning.cpuShare': 0.1 }, null, 2));
    workbench = await Workbench.open(`${url.split('?')[0]}?folder=${encodeURIComponent(workspace)}`, screenshots);
    await workbench.ondiStatusItem.locator('.codicon-sparkle').waitFor({ timeout: 90_000 });
  });

  after(async function () {
    await workbench?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-personal-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  it('sets a damaged personal model aside at startup and says so in the log', async function () {
    await eventually(() => !existsSync(modelFile()), 'the damaged file is deleted');
    await workbench.runCommand('Ondi: Show Log');
    const output = workbench.page.locator('.output-view, [id="workbench.panel.output"]').first();
    await output
      .locator('.view-lines', { hasText: 'Ondi will learn this workspace again' })
      .waitFor({ timeout: 30_000 });
    assert.match(await Workbench.textOf(output), /personal model file is damaged/);
    await workbench.screenshot('20-personal-damaged-log');
  });

  it('runs "Ondi: Train Personal Model Now": the status bar shows the training, then Ondi says what it learned', async function () {
    await workbench.runCommand('Ondi: Train Personal Model Now');
    const item = workbench.ondiStatusItem;
    await item.locator('.codicon-sync').waitFor({ timeout: 30_000 });
    assert.match(await Workbench.textOf(item), /Ondi\s+\d+%/);
    assert.match((await item.getAttribute('aria-label')) ?? '', /Training your personal model: \d+%/);
    await workbench.screenshot('21-personal-training');
    const toast = workbench.page.locator('.notifications-toasts .notification-list-item', {
      hasText: 'Ondi: Learned',
    });
    await toast.waitFor({ timeout: 120_000 });
    // one short sentence, not cut off
    assert.match(
      await toast.innerText(),
      /Ondi: Learned [\d,]+ tokens from \d+ files?( and \d+ edits?)? in \d+ s\. Completions use it now\./,
    );
    await item.locator('.codicon-sync').waitFor({ state: 'detached', timeout: 10_000 });
    assert.ok(existsSync(modelFile()), "the personal model is stored under the extension's global storage");
    await workbench.screenshot('22-personal-trained');
  });

  it('runs "Ondi: Show What Ondi Learned" and shows files, tokens and the lift measured on a file written since', async function () {
    // the user writes new code after the training: the lift is measured on it
    writeCheckoutFile(workspace);
    await workbench.runCommand('Ondi: Show What Ondi Learned');
    // rendered in the Markdown preview: a heading and a table, not Markdown source
    await workbench.page.locator('.tab', { hasText: 'Preview What Ondi Learned.md' }).waitFor({ timeout: 120_000 });
    const page = workbench.webview.locator('body');
    await page.locator('h1', { hasText: 'What Ondi learned in this workspace' }).waitFor({ timeout: 30_000 });
    const text = await page.innerText();
    assert.match(text, /Learned from: \d+ files and \d+ recent edits?, [\d,]+ tokens/);
    assert.match(
      text,
      /from files the personal model did not learn \(src\/checkout\.ts; every file it learned is left out\)/,
    );
    assert.match(text, /base model\s+[\d.]+%\s+[\d.]+%/);
    assert.match(text, /with what Ondi learned\s+[\d.]+%\s+[\d.]+%/);
    assert.equal(await page.locator('table').count(), 1, 'the lift table is a table');
    await workbench.screenshot('23-personal-what-ondi-learned');
  });

  it('runs "Ondi: Delete Personal Model…", which asks first and then deletes what was learned', async function () {
    await workbench.runCommand('Ondi: Delete Personal Model…');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /Delete everything Ondi learned from this workspace\?/);
    await workbench.screenshot('24-personal-reset-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await eventually(() => !existsSync(path.dirname(modelFile())), 'the personal model is deleted');
  });
});
