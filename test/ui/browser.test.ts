import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { buildTetherPackage } from '../support/built-tether';
import { browsers, launchBrowser, step, waitForText, type BrowserName } from './browsers';
import { startDevProcess, type DevProcess } from './dev-process';

/** The page's document, inside page.evaluate callbacks (this project compiles without the DOM library). */
declare const document: { body: { innerText: string }; querySelectorAll(selector: string): Iterable<{ textContent: string | null; click(): void }> };

/**
 * The user's story in real browsers (Debian's chromium and firefox-esr, driven by puppeteer-core) against what
 * `npm start` runs: the embedded Temporal server and its Web UI, Tether's API and worker. Nothing is stubbed.
 * One story, run in each browser in turn against one `tether dev`; each browser starts with a fresh profile.
 */
const adminToken = 'browser-test-admin-token-0001';
const spiToken = 'browser-test-spi-token-00001';
const admin = { Authorization: `Bearer ${adminToken}` };
const spi = { Authorization: `Bearer ${spiToken}`, 'Content-Type': 'application/json' };

let dev: DevProcess;
let packageRoot: string;
beforeAll(async () => {
  packageRoot = await buildTetherPackage();
  dev = await startDevProcess(packageRoot, { TETHER_ADMIN_TOKEN: adminToken, TETHER_SPI_TOKEN: spiToken });
  console.log(`tether dev ready in ${(dev.readyMs / 1000).toFixed(1)} s`);
}, 300_000);
afterAll(async () => {
  await dev?.stop();
});

describe.each(Object.keys(browsers) as BrowserName[])('inspecting runs in the Temporal UI (%s)', (browserName) => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser(browserName);
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** A step of the story; a failure leaves `<browser>-<step>.png`. */
  const at = <T>(name: string, run: () => Promise<T>) => step(page, `${browserName}-${name}`, run);
  const api = (path: string, init: RequestInit = {}) => fetch(dev.apiUrl + path, init);
  const order = (inputs: Record<string, unknown>) =>
    api('/myconnector/order_product', { method: 'POST', headers: spi, body: JSON.stringify({ connectionInstanceId: 'DEV', inputs }) });
  const visibleText = () => page.evaluate(() => document.body.innerText);

  it('lists, filters and opens runs, reads decrypted inputs, results and failures, and finds replays, with no login step', async () => {
    const began = Date.now();
    const okAnswer = await order({ recipient: 'Ada Lovelace', quantity: 2 });
    expect(okAnswer.status).toBe(200);
    const { outputs } = (await okAnswer.json()) as { outputs: { orderId: string } };
    const okId = okAnswer.headers.get('x-tether-execution-id')!;
    const failAnswer = await order({ recipient: 'Ada Lovelace', quantity: 0 });
    expect(failAnswer.status).toBe(422);
    const failBody = (await failAnswer.json()) as { error: { executionId: string; links: { ui: string } } };
    const failId = failBody.error.executionId;
    // Every answer of a started execution links its run in the UI: in a header, and in the error body.
    expect(failAnswer.headers.get('x-tether-execution-ui')).toBe(failBody.error.links.ui);
    expect(okAnswer.headers.get('x-tether-execution-ui')).toBe(`${dev.uiUrl}/namespaces/default/workflows/${encodeURIComponent(okId)}`);

    await at('list', async () => {
      await page.goto(dev.uiWorkflowsUrl);
      await waitForText(page, okId);
      await waitForText(page, failId);
    });

    await at('filter', async () => {
      // The README's clicks: the </> button at the right of the filter bar, the query, Search.
      await (await page.waitForSelector('[data-testid="toggle-manual-query"]', { visible: true }))!.click();
      await (await page.waitForSelector('#query', { visible: true }))!.type('TetherAction = "submitOrder" AND ExecutionStatus = "Failed"');
      await page.click('[data-testid="manual-search-button"]');
      await page.waitForFunction((shown: string, hidden: string) => document.body.innerText.includes(shown) && !document.body.innerText.includes(hidden), { timeout: 30_000, polling: 200 }, failId, okId);
    });

    const readable = await at('open-run', async () => {
      await page.goto(dev.uiWorkflowsUrl);
      await waitForText(page, okId);
      await Promise.all([
        page.waitForNavigation(),
        page.evaluate((id: string) => [...document.querySelectorAll('a')].find((link) => link.textContent?.trim() === id)!.click(), okId),
      ]);
      const text = await waitForText(page, '"recipient": "Ada Lovelace"');
      expect(text).toContain(`"orderId": "${outputs.orderId}"`);
      expect(text).not.toContain('binary/encrypted');
      // TETHER_DOCS_SCREENSHOT=1 refreshes the README's picture of a decrypted run.
      if (process.env.TETHER_DOCS_SCREENSHOT && browserName === 'chromium') await page.screenshot({ path: join(__dirname, '..', '..', 'docs', 'inspect-run.png') });
      return Date.now();
    });
    console.log(`${browserName}: a decrypted run on screen ${((readable - began) / 1000).toFixed(1)} s after the story began (two SPI calls, the list, one click)`);

    await at('failure-deep-link', async () => {
      await page.goto(failBody.error.links.ui);
      const text = await waitForText(page, '"message": "quantity must be at least 1, got 0"');
      expect(text).toContain('"stack_trace": ""');
      expect(text).toContain('Message encrypted: read encodedAttributes.message');
      expect(text).not.toContain(packageRoot);
      expect(text).not.toContain(join(__dirname, '..', '..'));
    });

    const replay = await at('replay', async () => {
      const answer = await api(`/admin/executions/${encodeURIComponent(failId)}/replay`, { method: 'POST', headers: admin });
      expect(answer.status).toBe(202);
      const started = (await answer.json()) as { executionId: string };
      const original = (await (await api(`/admin/executions/${encodeURIComponent(failId)}`, { headers: admin })).json()) as { links: { replaysUi: string } };
      await page.goto(original.links.replaysUi);
      await waitForText(page, started.executionId);
      await Promise.all([
        page.waitForNavigation(),
        page.evaluate((id: string) => [...document.querySelectorAll('a')].find((link) => link.textContent?.trim() === id)!.click(), started.executionId),
      ]);
      await waitForText(page, '"recipient": "Ada Lovelace"');
      await waitForText(page, `Replay of ${failId}`);
      return started;
    });
    expect(await visibleText()).toContain(replay.executionId);
  }, 240_000);

  it('docker-compose login: the browser prompts for Basic at /codec/login, then the cookie authorises the UI origin', async () => {
    const encrypted = (await (await api('/codec/encode', { method: 'POST', headers: { ...admin, 'Content-Type': 'application/json' }, body: JSON.stringify({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') }] }) })).json()) as unknown;
    await at('codec-login', async () => {
      await page.goto(dev.uiWorkflowsUrl);
      const decode = () =>
        page.evaluate(
          async (endpoint: string, body: string) => (await fetch(endpoint, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body })).status,
          `${dev.apiUrl}/codec/decode`,
          JSON.stringify(encrypted),
        );
      expect(await decode()).toBe(401);
      const login = await browser.newPage();
      await login.authenticate({ username: 'me', password: adminToken });
      const answer = await login.goto(`${dev.apiUrl}/codec/login`);
      expect(answer!.status()).toBe(200);
      expect(await login.evaluate(() => document.body.innerText)).toContain('Codec session started');
      await login.close();
      expect(await decode()).toBe(200);
    });
  }, 60_000);
});
