import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

// Launching Chromium is shared with the test scripts, which are plain JavaScript.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../scripts/lib/chromium') as { launchChromium: () => Promise<Browser> };

/** A code-server workbench in Chromium, with the gestures a person uses. */
export class Workbench {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  static async open(url: string, screenshotDir: string): Promise<Workbench> {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return new Workbench(browser, page, screenshotDir);
  }

  /** The Ondi item in the status bar (VS Code prefixes the item id with the extension id). */
  get ondiStatusItem(): Locator {
    return this.page.locator('[id="ondi.ondi.status"]');
  }

  /** Visible text; the editor renders spaces as non-breaking ones. */
  static async textOf(locator: Locator): Promise<string> {
    return (await locator.innerText()).replace(/\u00a0/g, ' ');
  }

  /** The cursor's place as the status bar shows it, e.g. "Ln 6, Col 28". */
  async cursorPosition(): Promise<string> {
    return Workbench.textOf(this.page.locator('[id="status.editor.selection"]'));
  }

  /**
   * The status bar's cursor place once `holds` is true of it (or the last one read after
   * `timeoutMs`): the status bar follows the editor a moment later, longer on a busy machine.
   */
  async cursorWhen(holds: (position: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const position = await this.cursorPosition();
      if (holds(position) || Date.now() > deadline) return position;
      await this.page.waitForTimeout(100);
    }
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Ondi's ghost text in the editor (VS Code 1.100 renders inline completions with this class). */
  get ghostText(): Locator {
    return this.page.locator('.ghost-text-decoration');
  }

  /** Moves the cursor to the end of a 1-based line through the palette's go-to-line mode. */
  async goToLineEnd(line: number): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page.keyboard.press('End');
  }

  async openFromExplorer(...names: string[]): Promise<void> {
    for (const name of names) {
      await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
    }
  }

  /**
   * The page inside the visible webview: VS Code hosts each webview in an iframe whose own
   * iframe (#active-frame) holds the extension's page.
   */
  get webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: path.join(this.screenshotDir, `${name}.png`) });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** New code written after a training, in the demo workspace: the personal model's lift is measured on it. */
export function writeCheckoutFile(workspace: string): void {
  writeFileSync(
    path.join(workspace, 'src', 'checkout.ts'),
    [
      "import { Cart } from './cart';",
      "import { formatCents } from './money';",
      '',
      'export function checkoutSummary(cart: Cart, discountPercent = 0): string {',
      '  const total = cart.total(discountPercent);',
      '  return `${cart.describe()}\\nTotal: ${formatCents(total)}`;',
      '}',
      '',
    ].join('\n'),
  );
}
