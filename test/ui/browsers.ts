import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The page's document, inside page.evaluate callbacks (this project compiles without the DOM library). */
declare const document: { body: { innerText: string }; querySelectorAll(selector: string): Iterable<{ textContent: string | null; click(): void }> };

/** The browsers the UI story runs in: Debian's packages, which `.ci/run` installs with apt-get. */
export const browsers = {
  /** Chromium over the DevTools protocol. */
  chromium: { path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', variable: 'CHROMIUM_PATH', apt: 'chromium' },
  /** Firefox ESR over WebDriver BiDi (its own cookie, CORS and authentication code paths). */
  firefox: { path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', variable: 'FIREFOX_PATH', apt: 'firefox-esr' },
} as const;
export type BrowserName = keyof typeof browsers;

/** Where a failing step leaves its screenshot (gitignored). */
export const screenshotDir = join(__dirname, '..', '..', 'test-results', 'browser');

/**
 * A headless browser with a fresh profile (puppeteer's, in a temporary folder it deletes on close); a missing
 * browser is an error, never a skip. Chromium's
 * background-networking flags keep it from dialling Google's services, whose refused connections would otherwise
 * slow every page on a closed network; puppeteer gives Firefox a profile whose preferences do the same.
 */
export async function launchBrowser(name: BrowserName): Promise<Browser> {
  const { path, variable, apt } = browsers[name];
  if (!existsSync(path)) {
    throw new Error(`${name} not found at ${path}: the browser test needs it (apt-get install -y ${apt}, as .ci/run does; or set ${variable})`);
  }
  if (name === 'firefox') {
    // Pinned to Firefox's own default (Total Cookie Protection), whatever puppeteer's test profile sets: the story
    // must see the cookie partitioning a person's Firefox applies to the codec login.
    return puppeteer.launch({ browser: 'firefox', executablePath: path, headless: true, extraPrefsFirefox: { 'network.cookie.cookieBehavior': 5 } });
  }
  return puppeteer.launch({
    executablePath: path,
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
