import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The page's document, inside page.evaluate callbacks (this project compiles without the DOM library). */
declare const document: { body: { innerText: string }; querySelectorAll(selector: string): Iterable<{ textContent: string | null; click(): void }> };

/** Debian's chromium; CHROMIUM_PATH overrides. `.ci/run` installs it with apt-get. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where a failing step leaves its screenshot (gitignored). */
export const screenshotDir = join(__dirname, '..', '..', 'test-results', 'browser');

/**
 * Headless Chromium with a fresh profile. The background-networking flags keep it from dialling Google's
 * services, whose refused connections would otherwise slow every page on a closed network.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: the browser test needs it (apt-get install -y chromium, as .ci/run does; or set CHROMIUM_PATH)`);
  }
  return puppeteer.launch({
    executablePath: chromiumPath,
    userDataDir: mkdtempSync(join(tmpdir(), 'tether-chromium-')),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The page's visible text, once it contains `text` (the UI fills its panels after the codec answers). */
export async function waitForText(page: Page, text: string, timeoutMs = 30_000): Promise<string> {
  await page.waitForFunction((wanted: string) => document.body.innerText.includes(wanted), { timeout: timeoutMs, polling: 200 }, text);
  return page.evaluate(() => document.body.innerText);
}

/** Runs one step of a browser story; a failing step leaves `<name>.png` in {@link screenshotDir}. */
export async function step<T>(page: Page, name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await page.screenshot({ path, fullPage: true }).catch(() => undefined);
    (err as Error).message = `${(err as Error).message}\n(screenshot of the failing step: ${path})`;
    throw err;
  }
}
