import * as assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { Workbench, writeCheckoutFile } from './workbench';

const url = process.env.ONDI_E2E_URL;
/** A workspace of its own: what it learns and deletes here touches no other test's workspace. */
const workspace = process.env.ONDI_E2E_WORKSPACE ? `${process.env.ONDI_E2E_WORKSPACE}-dashboard` : '';
const screenshots = process.env.ONDI_E2E_SCREENSHOTS ?? 'test-results/e2e';
const fixture = path.join(__dirname, '../fixtures/demo-workspace');

interface ReportStage {
  readonly stage: string;
  readonly params: number;
  readonly file_mb: number;
}
const report = JSON.parse(readFileSync(path.join(__dirname, '../../models/report.json'), 'utf8')) as {
  stages: ReportStage[];
};

/** How many pixels of a chart's canvas were drawn on (a blank canvas has none). */
async function paintedPixels(frame: FrameLocator, chart: string): Promise<number> {
  return frame.locator(`[data-chart="${chart}"] canvas`).evaluate((element) => {
    const canvas = element as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
    };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
    return painted;
  });
}

const asNumber = (text: string): number => Number(text.replace(/[^\d.]/g, ''));

/**
 * A person types a little, opens "Ondi: Show Dashboard" and finds real figures in every
 * panel: the model and its compression story, their completions, what Ondi learned and how
 * much it helps, their habits (and deletes one), and what Ondi keeps on disk (and deletes it).
 */
describe('the Ondi dashboard, as a person uses it', function () {
  let workbench: Workbench;
  let dashboard: FrameLocator;

  before(async function () {
    if (!url || !workspace)
      throw new Error('ONDI_E2E_URL/WORKSPACE are not set: run the e2e tier through `npm test` or `npm run test:e2e`');
    cpSync(fixture, workspace, { recursive: true });
    workbench = await Workbench.open(`${url.split('?')[0]}?folder=${encodeURIComponent(workspace)}`, screenshots);
    await workbench.ondiStatusItem.locator('.codicon-sparkle').waitFor({ timeout: 90_000 });
    dashboard = workbench.webview;
  });

  after(async function () {
    await workbench?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-dashboard-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  it('types a little, and completions are shown', async function () {
    const lines = readFileSync(path.join(workspace, 'src/cart.ts'), 'utf8').split('\n');
    await workbench.openFromExplorer('src', 'cart.ts');
    await workbench.page.locator('.view-lines', { hasText: 'export class Cart' }).waitFor();
    await workbench.page.locator('.view-lines').first().click();
    await workbench.goToLineEnd(lines.lastIndexOf('  }') + 1);
    await workbench.page.keyboard.type('\n\nclear(): void {\n', { delay: 60 });
    await workbench.page.keyboard.type('this.', { delay: 100 });
    await workbench.ghostText.first().waitFor({ timeout: 30_000 });
    await workbench.page.keyboard.press('Tab');
    await workbench.page.keyboard.press('Control+S');
  });

  it('opens "Ondi: Show Dashboard" from the palette, with the model card from models/report.json', async function () {
    await workbench.runCommand('Ondi: Show Dashboard');
    await workbench.page.locator('.tab', { hasText: 'Ondi Dashboard' }).waitFor({ timeout: 15_000 });
    const model = dashboard.locator('#model');
    await model.locator('table.stages').waitFor({ timeout: 30_000 });
    const text = await model.innerText();
    const dense = report.stages[0];
    const shipped = report.stages[report.stages.length - 1];
    assert.ok(dense && shipped);
    for (const stage of report.stages) assert.match(text, new RegExp(stage.stage));
    assert.match(
      text,
      new RegExp(`${(shipped.params / 1e6).toFixed(2)}M parameters`),
      'the running model, from its config',
    );
    const change = (from: number, to: number): string => `−${Math.abs((100 * (to - from)) / from).toFixed(1)}%`;
    assert.ok(
      text.includes(change(dense.params, shipped.params)),
      `parameters change ${change(dense.params, shipped.params)}`,
    );
    assert.ok(
      text.includes(change(dense.file_mb, shipped.file_mb)),
      `file size change ${change(dense.file_mb, shipped.file_mb)}`,
    );
    assert.equal(await model.locator('th.running .badge').innerText(), 'running');
    assert.ok((await paintedPixels(dashboard, 'stages')) > 500, 'the stage chart is drawn');
  });

  it('shows the completions of this machine: counts, acceptance, latency, over time', async function () {
    const completions = dashboard.locator('#completions');
    const shown = asNumber(await completions.locator('[data-figure="shown"] .value').innerText());
    assert.ok(shown >= 1, `shown ${shown}`);
    assert.ok(
      asNumber(await completions.locator('[data-figure="accepted"] .value').innerText()) >= 1,
      'the Tab above was counted',
    );
    assert.match(await completions.locator('[data-figure="p50"] .value').innerText(), /^\d+ ms$/);
    assert.match(await completions.locator('[data-figure="acceptRate"] .value').innerText(), /^\d+%$/);
    assert.match(
      await completions.innerText(),
      /typescript \(\d+ of \d+ shown\)|Accepts per suggestion shown, per language/,
    );
    // the menu's line, word for word: every label says what it counts
    assert.match(
      await completions.locator('[data-summary="completions"]').innerText(),
      /^shown \d+ \(model \d+, cached \d+\) · accepted \d+ of \d+ shown \(\d+%\): Tab [1-9]\d*, word \d+, line \d+ · typed along \d+ · model p50 \d+ ms over \d+ calls?$/,
    );
    for (const chart of ['timeline', 'languages', 'latency']) {
      assert.ok((await paintedPixels(dashboard, chart)) > 200, `the ${chart} chart is drawn`);
    }
  });

  it('says where everything lives and that Ondi loads no networking code', async function () {
    const privacy = dashboard.locator('#privacy');
    assert.match(
      await privacy.locator('[data-check="bundles"]').innerText(),
      /^No networking code: Ondi's code, read at [^(]+\(extension\.js \([\d.]+ [KM]B\), adaptWorker\.js/,
    );
    assert.match(
      await privacy.locator('[data-check="remote"]').innerText(),
      /off\. The model library's remote loading is switched off/,
    );
    assert.match(
      await privacy.locator('[data-check="native"]').innerText(),
      /^Runtime telemetry: off\. The ONNX runtime's own usage reports are switched off/,
    );
    // the statistics are written a few seconds after a change; the list follows the write
    const stats = privacy.locator('table.files tr', { hasText: 'Completion statistics (all workspaces)' });
    await stats.waitFor({ timeout: 30_000 });
    assert.match(
      await stats.innerText(),
      /^Completion statistics \(all workspaces\)\s+\S*outcomes\.json\s+[\d.]+ (B|KB)$/,
    );
  });

  it('trains from the dashboard and shows what was learned and the lift on a file written since', async function () {
    const personal = dashboard.locator('#personal');
    await personal.locator('[data-action="train"]').click();
    // live: the panel follows the training without being reopened
    await personal.locator('[data-figure="tokens"]').waitFor({ timeout: 240_000 });
    assert.ok(asNumber(await personal.locator('[data-figure="tokens"] .value').innerText()) > 100);
    assert.ok(asNumber(await personal.locator('[data-figure="files"] .value').innerText()) >= 1);
    assert.match(await personal.locator('[data-figure="trained"] .value').innerText(), /just now|min ago/);
    writeCheckoutFile(workspace);
    await personal.locator('[data-action="measure"]').click();
    await personal.locator('[data-chart="lift"]').waitFor({ timeout: 240_000 });
    assert.match(
      await personal.innerText(),
      /Lift: [+−][\d.]+ points exact match, [+−][\d.]+ points edit similarity on \d+ lines from files the personal model did not learn \(src\/checkout\.ts\)/,
    );
    assert.match(await personal.locator('.state').innerText(), /^Learning: on/);
    await personal.locator('[data-action="pause"]').click();
    await personal.locator('[data-action="resume"]').waitFor({ timeout: 15_000 });
    assert.match(await personal.locator('.state').innerText(), /paused/);
    await personal.locator('[data-action="resume"]').click();
    await personal.locator('[data-action="pause"]').waitFor({ timeout: 15_000 });
  });

  it('is opened again by the status bar item, one panel, with the habits learned meanwhile, each deletable', async function () {
    // switching files hides the dashboard (its page is discarded while hidden)
    for (const name of ['money.ts', 'cart.ts', 'money.ts', 'cart.ts', 'money.ts']) {
      await workbench.openFromExplorer(name);
      await workbench.page.locator('.tab.active', { hasText: name }).waitFor();
      // an open counts once the user stays two seconds (tabs passed through are not learned)
      await workbench.page.waitForTimeout(2_400);
    }
    await workbench.ondiStatusItem.click();
    await dashboard.locator('#next').waitFor({ timeout: 15_000 });
    assert.equal(await workbench.page.locator('.tab', { hasText: 'Ondi Dashboard' }).count(), 1, 'one dashboard');
    const next = dashboard.locator('#next');
    const habits = next.locator('.habits li');
    await habits.first().waitFor({ timeout: 15_000 });
    const first = (await habits.first().locator('span').innerText()).trim();
    assert.match(first, /^After .+, you .+ (twice|\d+ times)$/);
    assert.match(await next.innerText(), /Learned from \d+ recorded steps/);
    await workbench.screenshot('30-dashboard');
    await habits.first().locator('button').click();
    await next.locator('.habits li span', { hasText: first }).waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('fits in one picture', async function () {
    const page = workbench.page;
    await workbench.runCommand('Notifications: Clear All Notifications');
    await page.keyboard.press('Control+B'); // the side bar away: the dashboard gets the width
    await page.setViewportSize({ width: 1280, height: 2000 });
    await page.waitForTimeout(1_500);
    await dashboard.locator('#privacy').waitFor();
    await page.locator('iframe.webview.ready:visible').screenshot({ path: path.join(screenshots, 'dashboard.png') });
  });

  it('follows the VS Code theme while open', async function () {
    const page = workbench.page;
    const background = () =>
      dashboard
        .locator('body')
        .evaluate(
          (body) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(
              body,
            ).backgroundColor,
        );
    const before = await background();
    try {
      await workbench.runCommand('Preferences: Toggle between Light/Dark Themes');
      const deadline = Date.now() + 15_000;
      while ((await background()) === before) {
        if (Date.now() > deadline) throw new Error(`the dashboard kept its colors (${before}) after the theme changed`);
        await page.waitForTimeout(250);
      }
      await page.waitForTimeout(500);
      assert.ok((await paintedPixels(dashboard, 'timeline')) > 200, 'the charts are drawn again');
      await page
        .locator('iframe.webview.ready:visible')
        .screenshot({ path: path.join(screenshots, 'dashboard-other-theme.png') });
    } finally {
      await workbench.runCommand('Preferences: Toggle between Light/Dark Themes');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.keyboard.press('Control+B');
    }
    const deadline = Date.now() + 15_000;
    while ((await background()) !== before) {
      if (Date.now() > deadline) throw new Error('the dashboard did not go back to the previous theme');
      await page.waitForTimeout(250);
    }
  });

  it('deletes everything Ondi stored, after asking', async function () {
    await dashboard.locator('[data-action="delete-everything"]').click();
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /Delete everything Ondi stored on this machine\?/);
    await workbench.screenshot('31-dashboard-delete-everything');
    await dialog.locator('.monaco-button', { hasText: /^Delete Everything$/ }).click();
    await dashboard
      .locator('#completions .empty', { hasText: 'No completions shown yet' })
      .waitFor({ timeout: 15_000 });
    await dashboard
      .locator('#personal .empty', { hasText: 'has not learned from this workspace yet' })
      .waitFor({ timeout: 15_000 });
    assert.equal(await dashboard.locator('#next .habits li').count(), 0);
  });
});
