import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './workbench';

const url = process.env.ONDI_E2E_URL;
const workspace = process.env.ONDI_E2E_WORKSPACE ?? '';
const screenshots = process.env.ONDI_E2E_SCREENSHOTS ?? 'test-results/e2e';

const read = (relative: string): string => readFileSync(path.join(workspace, relative), 'utf8');

/**
 * A person renames a function in src/shipping.ts; Ondi marks the first call site, Tab goes
 * there, Tab again applies the same rename, and the second call site follows the same way.
 */
describe('next edit in VS Code, as a person uses it', function () {
  let workbench: Workbench;

  before(async function () {
    if (!url || !workspace)
      throw new Error('ONDI_E2E_URL/WORKSPACE are not set: run the e2e tier through `npm test` or `npm run test:e2e`');
    workbench = await Workbench.open(url, screenshots);
    await workbench.ondiStatusItem.waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await workbench?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-next-edit-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  /** The marker's after-text: the editor draws it as CSS content after the line, not as text. */
  async function markerText(): Promise<string> {
    // (a string: the test is compiled without the DOM's types)
    return workbench.page.evaluate<string>(`(() => {
      for (const element of document.querySelectorAll('.view-lines span')) {
        const content = getComputedStyle(element, '::after').content;
        if (content.includes('Ondi')) return JSON.parse(content);
      }
      return '';
    })()`);
  }

  async function waitForMarker(check: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const text = await markerText();
      if (check(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting until ${what}; the marker says ${JSON.stringify(text)}`);
      await workbench.page.waitForTimeout(100);
    }
  }

  /** Runs a palette command by its exact title ("Ondi: Next Edit" is also part of "Ondi: Go to Next Edit"). */
  async function runExactCommand(title: string): Promise<void> {
    const page = workbench.page;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const option = page.locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${title}$`) }),
    });
    await option.first().waitFor();
    await page.waitForTimeout(300); // the list is re-rendered while the filter settles
    await option.first().click();
  }

  const cursorPosition = (): Promise<string> => workbench.cursorPosition();
  /** Where the cursor ends up after a jump: the status bar shows it a moment after the marker moves. */
  const assertCursorReaches = async (where: RegExp): Promise<void> =>
    assert.match(await workbench.cursorWhen((p) => where.test(p)), where);

  it('marks a call site after a rename, goes there with Tab and applies the rename there with Tab', async function () {
    const original = read('src/shipping.ts');
    const page = workbench.page;
    await workbench.openFromExplorer('src', 'shipping.ts');
    await page.locator('.view-lines', { hasText: 'export function shippingCost' }).waitFor();
    await page.locator('.view-lines').first().click();
    await workbench.goToLineEnd(6);
    await page.keyboard.press('Home');
    // the name's last word: "Cost" in "shippingCost(" is typed over
    for (let i = 0; i < 'export function shipping'.length; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 'Cost'.length; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('For', { delay: 80 });

    const marker = await waitForMarker((t) => t.includes('shippingCost → shippingFor'), 'the call site is marked');
    assert.match(marker, /^⇥ Ondi: the same change \(shippingCost → shippingFor\)/);
    assert.match(await cursorPosition(), /^Ln 6, Col 28/, 'the cursor has not moved by itself');
    await page.waitForTimeout(300); // let the decoration paint
    await workbench.screenshot('next-edit-01-marker');

    await page.keyboard.press('Tab');
    await waitForMarker((t) => t.includes('Tab applies'), 'the proposal shows at the call site');
    await assertCursorReaches(/^Ln 11, Col 20/);
    assert.match(await markerText(), /Tab applies {2}const shipping = shippingFor\(subtotal\);/);
    await page.waitForTimeout(300);
    await workbench.screenshot('next-edit-02-at-proposal');

    await page.keyboard.press('Tab');
    // the other call site is next
    await waitForMarker((t) => t.includes('shippingCost → shippingFor'), 'the second call site is marked');
    await page.keyboard.press('Tab');
    await waitForMarker((t) => t.includes('Tab applies'), 'the proposal shows at the second call site');
    await assertCursorReaches(/^Ln 16, Col 16/);
    await page.keyboard.press('Tab');
    // (the extension host may be busy starting TypeScript's server: the apply can take a moment)
    await page.locator('.view-lines', { hasText: 'const cost = shippingFor(subtotal)' }).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    await workbench.screenshot('next-edit-03-applied');

    await page.keyboard.press('Control+S');
    await page.locator('.tab.dirty', { hasText: 'shipping.ts' }).waitFor({ state: 'detached', timeout: 15_000 });
    // the file is written asynchronously after Ctrl+S
    const expected = original.replace(/shippingCost/g, 'shippingFor');
    const deadline = Date.now() + 20_000;
    while (read('src/shipping.ts') !== expected && Date.now() < deadline) await page.waitForTimeout(250);
    assert.equal(read('src/shipping.ts'), expected);
  });

  it('lists the candidates with a reason each in "Ondi: Next Edit", and Esc dismisses the marker', async function () {
    const page = workbench.page;
    await workbench.goToLineEnd(4);
    // "5000" becomes "4000": the constant's users are candidates
    for (let i = 0; i < '5000;'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('4');
    await waitForMarker((t) => t.length > 0, 'a marker shows');
    await page.keyboard.press('Escape');
    await waitForMarker((t) => t === '', 'Esc dismissed the marker');

    await runExactCommand('Ondi: Next Edit');
    const picker = page.locator('.quick-input-widget');
    const first = picker.locator('.monaco-list-row:visible').first();
    await first.waitFor();
    assert.match(await first.innerText(), /src\/shipping\.ts:\d+/);
    await workbench.screenshot('next-edit-04-list');
    await page.keyboard.press('Escape');
  });
});
