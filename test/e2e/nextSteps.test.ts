import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

const url = process.env.ONDI_E2E_URL;
const screenshots = process.env.ONDI_E2E_SCREENSHOTS ?? 'test-results/e2e';

/**
 * A person edits a file, saves it and runs the workspace's "check" task, a few times; Ondi
 * then offers that task in the status bar and runs it from "Ondi: Next Step".
 */
describe('next steps in VS Code, as a person uses them', function () {
  let workbench: Workbench;

  before(async function () {
    if (!url) throw new Error('ONDI_E2E_URL is not set: run the e2e tier through `npm test` or `npm run test:e2e`');
    workbench = await Workbench.open(url, screenshots);
    await workbench.ondiStatusItem.waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await workbench?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-next-${this.currentTest.title.replace(/\W+/g, '-')}`);
      await workbench?.page.keyboard.press('Escape'); // leave no picker open for the next test
    }
  });

  const nextStepItem = () => workbench.page.locator('[id="ondi.ondi.nextStep"]');

  /**
   * Runs a palette command by its exact title: Enter would take the first row, which for a
   * short title may be another command that matches it (a recently used one is listed first).
   */
  async function runExactCommand(title: string): Promise<void> {
    const page = workbench.page;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const option = page.locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${escape(title)}$`) }),
    });
    await option.first().waitFor();
    // The list is re-rendered while the filter settles; click once it has.
    await page.waitForTimeout(300);
    await option.first().click();
    const deadline = Date.now() + 10_000;
    while ((await input.inputValue().catch(() => '')) === `>${title}` && (await input.isVisible())) {
      if (Date.now() > deadline) throw new Error(`the palette did not run "${title}"`);
      await page.waitForTimeout(100);
    }
  }

  async function editAndSave(round: number): Promise<void> {
    const page = workbench.page;
    await page.locator('.tab', { hasText: 'money.ts' }).click();
    await page.locator('.view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(`\n// checked ${round}`);
    await page.keyboard.press('Escape'); // no ghost text in the way
    await page.keyboard.press('Control+S');
    await page.locator('.tab.dirty', { hasText: 'money.ts' }).waitFor({ state: 'detached', timeout: 15_000 });
  }

  async function runCheckTask(): Promise<void> {
    await runExactCommand('Tasks: Run Task');
    const row = workbench.page.locator('.quick-input-list .monaco-list-row:visible', { hasText: 'check' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await workbench.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    // The task prints one line and ends; give the terminal a moment to report its exit.
    await workbench.page.waitForTimeout(3_000);
  }

  it('learns "edit, save, run the check task" and suggests the task in the status bar', async function () {
    await workbench.openFromExplorer('src', 'money.ts');
    await workbench.page.locator('.tab', { hasText: 'money.ts' }).waitFor();
    for (let round = 1; round <= 4; round++) {
      await editAndSave(round);
      await runCheckTask();
    }
    await editAndSave(5);
    const item = nextStepItem();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.locator('.codicon-play').waitFor({ timeout: 15_000 });
    assert.match(await Workbench.textOf(item), /check/);
    assert.match((await item.getAttribute('aria-label')) ?? '', /^Ondi next step: Run task check, \d+ percent sure$/);
    await workbench.screenshot('next-01-status-bar-suggests-task');
  });

  it('lists the top steps with reasons in "Ondi: Next Step" and runs the task picked', async function () {
    await runExactCommand('Ondi: Next Step');
    const picker = workbench.page.locator('.quick-input-widget');
    const first = picker.locator('.monaco-list-row:visible').first();
    await first.waitFor();
    assert.match(await first.innerText(), /Run task check/);
    // The context named depends on how late the last task's end arrives; the habit is counted either way.
    assert.match(await picker.innerText(), /, you ran the task `check` (once|twice|\d+ times)/);
    await workbench.screenshot('next-02-quick-pick');
    await workbench.page.keyboard.press('Enter');
    await picker.waitFor({ state: 'hidden' });
    // Ondi logs what it performs; the task's terminal comes up as it runs.
    await runExactCommand('Ondi: Show Log');
    const output = workbench.page.locator('.output-view, [id="workbench.panel.output"]').first();
    await output.locator('.view-lines', { hasText: 'performing "Run task check"' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('next-03-task-ran');
  });

  it('explains the suggestion in "Ondi: Why This Suggestion?"', async function () {
    await editAndSave(6);
    await nextStepItem().locator('.codicon-play').waitFor({ timeout: 30_000 });
    await runExactCommand('Ondi: Why This Suggestion?');
    const toast = workbench.page.locator('.notification-toast', { hasText: 'Ondi suggests' }).first();
    await toast.waitFor({ timeout: 15_000 });
    assert.match(await toast.innerText(), /Ondi suggests "Run task check" \(\d+% sure\)/);
    await workbench.page.waitForTimeout(500); // let the notification finish sliding in
    await workbench.screenshot('next-04-why');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
