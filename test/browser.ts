import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebApp } from '../web/build-if-stale.ts';
import { startTestApp, type Client, type TestApp } from './harness.ts';

/**
 * A real server on an ephemeral port and Debian's chromium driven by playwright-core, for the
 * operator web app's tests. SQLite in a temporary DATA_DIR: the API itself is tested on both
 * engines by the API tests; these tests are about the screens.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumMissing = fs.existsSync(CHROMIUM)
  ? false
  : `chromium not found at ${CHROMIUM}: install the Debian package (apt-get install -y chromium) or set CHROMIUM_PATH`;

/** Screenshots of the screens, kept as test artifacts (git-ignored). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts/screens');

export interface BrowserEnv {
  t: TestApp & { close(): Promise<void> };
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  await buildWebApp();
  const t = await startTestApp({ name: 'sqlite' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives every launch a fresh temporary profile (user data dir).
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
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    t,
    base: `http://127.0.0.1:${address.port}`,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

export async function newPage(env: BrowserEnv, viewport = { width: 1280, height: 900 }): Promise<Page> {
  // bypassCSP: the app's CSP forbids inline scripts, and axe-core is injected as one by the tests.
  const context = await env.browser.newContext({ viewport, locale: 'en-GB', bypassCSP: true });
  const page = await context.newPage();
  // Generous for a loaded CI machine; a step that never happens still fails.
  page.setDefaultTimeout(15_000);
  return page;
}

export async function signIn(page: Page, env: BrowserEnv, c: Client): Promise<void> {
  await page.goto(`${env.base}/app/`);
  await page.getByLabel('API key').fill(c.apikey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page; answers the serious and critical violations (WCAG 2 A/AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<any> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return (result.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: v.impact as string,
      nodes: (v.nodes as any[]).map((n) => String(n.target)).slice(0, 3),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A warehouse with two locations, a supplier, a customer and a product, through the API. */
export async function arrange(c: Client) {
  const warehouse = await c.expect(201, 'POST', '/warehouses', { name: 'Main' });
  const a1 = await c.expect(201, 'POST', '/locations', { idwarehouse: warehouse.idwarehouse, name: 'A-01' });
  const b1 = await c.expect(201, 'POST', '/locations', { idwarehouse: warehouse.idwarehouse, name: 'B-01' });
  const supplier = await c.expect(201, 'POST', '/suppliers', { name: 'Acme Supplies' });
  const customer = await c.expect(201, 'POST', '/customers', { name: 'Jansen BV' });
  const product = await c.expect(201, 'POST', '/products', {
    productcode: 'W-100',
    name: 'Blue widget',
    idsupplier: supplier.idsupplier,
  });
  return { warehouse, locations: [a1, b1], supplier, customer, product };
}
