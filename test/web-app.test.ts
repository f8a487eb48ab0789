import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  arrange,
  chromiumMissing,
  newPage,
  screenshot,
  seriousViolations,
  signIn,
  startBrowserEnv,
  type BrowserEnv,
} from './browser.ts';

/**
 * The operator web app (/app) in a real browser against a real server: a user signs in and clicks
 * through the screens; every step checks what the screen shows and what the API answers afterwards.
 */
describe('operator web app in chromium', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  const go = async (page: Page, hash: string) => {
    await page.evaluate((h) => (window.location.hash = h), hash);
  };

  test('when a user counts stock, orders more than there is, buys, receives by scanning, processes the backorder and picks it, then every screen and the API agree', async () => {
    const c = await env.t.newClient();
    const { warehouse, product, supplier, customer } = await arrange(c);
    const page = await newPage(env);
    await signIn(page, env, c);

    // Stock: find the product as one types, count 3 in the warehouse.
    await page.getByLabel('Find a product (code or name)').fill('blue wid');
    await page.getByRole('button', { name: /W-100/ }).click();
    await page.getByLabel('Kind of change').selectOption('amount');
    await page.getByLabel('Amount', { exact: true }).first().fill('3');
    await page.getByLabel('Reason').first().fill('stock count');
    await page.getByRole('button', { name: 'Book' }).click();
    await page.getByText('Booked: stock of W-100 is now 3.').waitFor();
    await page.getByTestId(`stock-${warehouse.idwarehouse}`).filter({ hasText: /^3$/ }).waitFor();
    const counted = await c.expect(
      200,
      'GET',
      `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`,
    );
    assert.equal(counted.stock, 3);
    await screenshot(page, 'stock');

    // Orders: 5 ordered, 3 in stock: a picklist for 3 and a backorder of 2 in the queue.
    await go(page, '#/orders');
    await page.getByLabel('Customer').selectOption(String(customer.idcustomer));
    await page.getByLabel('Product code').fill('W-100');
    await page.getByLabel('Amount').fill('5');
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByText('5 × W-100').waitFor();
    await page.getByRole('button', { name: 'Create order' }).click();
    await page.getByRole('button', { name: 'Process', exact: true }).click();
    await page.getByText('processing', { exact: true }).waitFor();
    const orderBackorders = page.getByTestId('order-backorders');
    await orderBackorders.waitFor();
    assert.match(await orderBackorders.innerText(), /\b2\b/);
    const idorder = Number(page.url().split('/').pop());
    const backorders = await c.expect(200, 'GET', `/orders/${idorder}/backorders`);
    assert.equal(backorders.length, 1);
    assert.equal(backorders[0].amount, 2);
    assert.equal(backorders[0].amount_available, 0);
    const firstPicklists = await c.expect(200, 'GET', `/picklists?idorder=${idorder}`);
    assert.deepEqual(
      firstPicklists.map((p: any) => p.totalproducts),
      [3],
    );
    await screenshot(page, 'order');

    // Purchasing: a purchase order for the supplier, a line of 10, marked purchased.
    await go(page, '#/purchasing');
    await page.getByLabel('Supplier').selectOption(String(supplier.idsupplier));
    await page.getByRole('button', { name: 'Create purchase order' }).click();
    await page.getByLabel('Product code').fill('W-100');
    await page.getByLabel('Amount').fill('10');
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByTestId('po-lines').getByText('W-100').waitFor();
    await page.getByRole('button', { name: 'Mark as purchased' }).click();
    await page.getByText('purchased', { exact: true }).waitFor();
    const idpurchaseorder = Number(page.url().split('/').pop());
    const po = await c.expect(200, 'GET', `/purchaseorders/${idpurchaseorder}`);
    assert.equal(po.status, 'purchased');
    assert.deepEqual(
      po.products.map((l: any) => [l.productcode, l.amount]),
      [['W-100', 10]],
    );
    await screenshot(page, 'purchase-order');

    // Receiving by scanning: code + Enter moves to the amount, amount + Enter receives.
    await page.getByRole('link', { name: 'Receive' }).click();
    await page.getByRole('button', { name: 'Start receipt' }).click();
    const code = page.getByLabel('Product code');
    await code.fill('W-100');
    await code.press('Enter');
    await page.keyboard.type('10');
    await page.keyboard.press('Enter');
    await page.getByText('Received 10 × W-100.').waitFor();
    const filled = page.getByTestId('filled-backorders');
    await filled.getByText(`#${backorders[0].idbackorder}`).waitFor();
    assert.match(await filled.innerText(), /\+2/);
    const available = await c.expect(200, 'GET', `/backorders/${backorders[0].idbackorder}`);
    assert.equal(available.amount_available, 2);
    const afterReceipt = await c.expect(
      200,
      'GET',
      `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`,
    );
    assert.equal(afterReceipt.stock, 13);
    await screenshot(page, 'receiving');

    // Backorders: the queue shows the stock it got; processing the order's backorders makes a picklist.
    await go(page, '#/backorders');
    await page.getByLabel('Product code').fill('W-100');
    await page.getByRole('button', { name: 'Show queue' }).click();
    const row = page.getByTestId(`backorder-${backorders[0].idbackorder}`);
    await row.getByTestId('amount-available').filter({ hasText: /^2$/ }).waitFor();
    await screenshot(page, 'backorders');
    await row.getByRole('button', { name: "Process order's backorders" }).click();
    await page.getByText('No waiting backorders.').waitFor();
    const processed = await c.expect(200, 'GET', `/backorders/${backorders[0].idbackorder}`);
    assert.equal(processed.status, 'processed');
    assert.ok(processed.idpicklist, 'the backorder names its picklist');

    // Picklists: pick the backorder's picklist by scanning and close it; pick all of the first one.
    await go(page, `#/picklists/${processed.idpicklist}`);
    await page.getByLabel('Scan a product code to pick').fill('W-100');
    await page.getByLabel('Amount').fill('2');
    await page.getByRole('button', { name: 'Pick', exact: true }).click();
    await page.getByTestId('totalpicked').filter({ hasText: /^2$/ }).waitFor();
    await screenshot(page, 'picklist');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(/Picklist .* closed\./).waitFor();
    const closed = await c.expect(200, 'GET', `/picklists/${processed.idpicklist}`);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.totalpicked, 2);
    await go(page, `#/picklists/${firstPicklists[0].idpicklist}`);
    await page.getByRole('button', { name: 'Pick all' }).click();
    await page.getByTestId('totalpicked').filter({ hasText: /^3$/ }).waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(/Picklist .* closed\./).waitFor();
    assert.equal((await c.expect(200, 'GET', `/picklists/${firstPicklists[0].idpicklist}`)).status, 'closed');

    // History: the chart has a point per ledger entry and ends at the stock the API reports.
    await go(page, '#/stock');
    await page.getByLabel('Find a product (code or name)').fill('W-100');
    await page.getByRole('button', { name: /W-100/ }).click();
    const history = await c.expect(
      200,
      'GET',
      `/stockhistory?idproduct=${product.idproduct}&idwarehouse=${warehouse.idwarehouse}`,
    );
    const final = await c.expect(200, 'GET', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`);
    assert.equal(final.stock, 8, '3 counted + 10 received - 5 picked');
    const dots = page.getByTestId('stock-chart').locator('circle');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=stock-chart] circle').length === n,
      history.length,
    );
    assert.deepEqual(
      await dots.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value')))),
      history.map((h: any) => h.new_stock),
    );
    assert.equal(history.at(-1).new_stock, 8);
    await page.locator('figcaption', { hasText: `${history.length} changes, now 8` }).waitFor();
    await screenshot(page, 'history');
    await env.t.assertLedger(c);
  });

  test('when a user works the backorder queue, moves stock, adds a webhook, opens a PDF and receives from a supplier, then the screen and the API agree', async () => {
    const c = await env.t.newClient();
    const { warehouse, product, locations, supplier, customer } = await arrange(c);
    const waiting = [];
    for (const amount of [4, 2]) {
      const o = await c.expect(201, 'POST', '/orders', {
        idcustomer: customer.idcustomer,
        emailaddress: 'inkoop@jansen.example',
        products: [{ idproduct: product.idproduct, amount }],
      });
      await c.expect(200, 'POST', `/orders/${o.idorder}/process`);
      waiting.push((await c.expect(200, 'GET', `/orders/${o.idorder}/backorders`))[0]);
    }
    const [first, second] = waiting;
    const page = await newPage(env);
    await signIn(page, env, c);

    // The queue in priority order; prioritising the second order puts it first.
    await go(page, '#/backorders');
    await page.getByLabel('Product code').fill('W-100');
    await page.getByRole('button', { name: 'Show queue' }).click();
    const rows = page.getByTestId('backorder-queue').locator('tbody tr');
    await rows.nth(1).waitFor();
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid'))), [
      `backorder-${first.idbackorder}`,
      `backorder-${second.idbackorder}`,
    ]);
    await page
      .getByTestId(`backorder-${second.idbackorder}`)
      .getByRole('button', { name: 'Prioritise order' })
      .click();
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid=backorder-queue] tbody tr')?.getAttribute('data-testid') === id,
      `backorder-${second.idbackorder}`,
    );
    const queue = await c.expect(200, 'GET', `/backorders?idproduct=${product.idproduct}`);
    const prioritised = queue.find((b: any) => b.idbackorder === second.idbackorder);
    const other = queue.find((b: any) => b.idbackorder === first.idbackorder);
    assert.ok(prioritised.priority < other.priority, 'the API puts the prioritised order first too');

    // Lifecycle: confirm, set an estimate, notify the customer, cancel.
    const row = page.getByTestId(`backorder-${first.idbackorder}`);
    await row.getByRole('button', { name: 'Confirm' }).click();
    await row.getByText('confirmed', { exact: true }).waitFor();
    assert.equal((await c.expect(200, 'GET', `/backorders/${first.idbackorder}`)).status, 'confirmed');
    await row.getByRole('button', { name: 'Update estimate' }).click();
    await row.getByLabel('Estimated ship date').fill('2027-01-10');
    await row.getByLabel('Estimated delivery date').fill('2027-01-12');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('2027-01-10 / 2027-01-12').waitFor();
    const estimated = await c.expect(200, 'GET', `/backorders/${first.idbackorder}`);
    assert.equal(estimated.estimated_ship_date, '2027-01-10');
    assert.equal(estimated.estimated_delivery_date, '2027-01-12');
    await row.getByRole('button', { name: 'Notify customer' }).click();
    const notifications = await (async () => {
      await row.getByText(/^Notification (sent|failed|skipped)/).waitFor();
      return c.expect(200, 'GET', `/backorders/${first.idbackorder}/notifications`);
    })();
    assert.equal(notifications.length, 1);
    assert.match(
      await row.getByText(/^Notification/).innerText(),
      new RegExp(`^Notification ${notifications[0].status}`),
    );
    await page.getByTestId(`backorder-${second.idbackorder}`).getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId(`backorder-${second.idbackorder}`).waitFor({ state: 'detached' });
    assert.equal((await c.expect(200, 'GET', `/backorders/${second.idbackorder}`)).status, 'cancelled');

    // Move stock between locations.
    await c.expect(200, 'POST', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`, {
      change: 5,
      idlocation: locations[0].idlocation,
      reason: 'delivery',
    });
    await go(page, '#/stock');
    await page.getByRole('searchbox').fill('W-100');
    await page.getByRole('button', { name: /W-100/ }).click();
    await page.getByLabel('From location').selectOption(String(locations[0].idlocation));
    await page.getByLabel('To location').selectOption(String(locations[1].idlocation));
    await page.getByLabel('Amount', { exact: true }).nth(1).fill('2');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByText('Moved 2 of W-100.').waitFor();
    const perLocation = page.getByTestId('stock-per-location');
    await perLocation.getByRole('row', { name: /B-01 2 0 2/ }).waitFor();
    const detail = await c.expect(
      200,
      'GET',
      `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`,
    );
    assert.deepEqual(
      detail.locations.map((l: any) => [l.name, l.stock]),
      [
        ['A-01', 3],
        ['B-01', 2],
      ],
    );

    // A webhook and its deliveries (queued; no worker runs in this test).
    await go(page, '#/events');
    await page.getByLabel('Name', { exact: true }).fill('stock feed');
    await page.getByLabel('Address (URL)').fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByText('stock feed').waitFor();
    const hooks = await c.expect(200, 'GET', '/hooks');
    assert.deepEqual(
      hooks.map((h: any) => [h.name, h.event, h.address]),
      [['stock feed', 'products.stock_changed', 'http://127.0.0.1:9/hook']],
    );
    await c.expect(200, 'POST', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`, {
      change: 1,
      reason: 'for the hook',
    });
    await page.getByTestId('event-feed').getByText('products.stock_changed').first().waitFor();
    await page.getByRole('button', { name: 'Show deliveries' }).click();
    const deliveries = await c.expect(200, 'GET', `/hooks/${hooks[0].idhook}/deliveries`);
    assert.equal(deliveries.length, 1);
    await page.getByText(`#${deliveries[0].idevent} products.stock_changed`).waitFor();

    // The purchase order PDF opens in a new tab from a blob URL (the key stays in a header).
    const po = await c.expect(201, 'POST', '/purchaseorders', {
      idsupplier: supplier.idsupplier,
      idwarehouse: warehouse.idwarehouse,
      products: [{ idproduct: product.idproduct, amount: 3 }],
    });
    await go(page, `#/purchasing/${po.idpurchaseorder}`);
    await page.getByText('Acme Supplies').waitFor();
    const [pdf] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('button', { name: 'Open PDF' }).click(),
    ]);
    await pdf.waitForLoadState('domcontentloaded').catch(() => undefined);
    assert.match(pdf.url(), /^blob:http:\/\/127\.0\.0\.1:\d+\//);
    const size = await page.evaluate(async (url) => (await (await fetch(url)).blob()).size, pdf.url());
    assert.ok(size > 500, 'the blob is the PDF the API answered');

    // Purchased, partly received (through the API), then closed: it stops expecting the rest.
    await page.getByRole('button', { name: 'Mark as purchased' }).click();
    await page.getByText('purchased', { exact: true }).waitFor();
    const receipt = await c.expect(201, 'POST', '/receipts', { idpurchaseorder: po.idpurchaseorder });
    await c.expect(201, 'POST', `/receipts/${receipt.idreceipt}/products`, {
      idproduct: product.idproduct,
      amount: 1,
    });
    await page
      .getByTestId('po-lines')
      .getByRole('row', { name: /W-100 .* 3 1/ })
      .waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('received', { exact: true }).waitFor();
    assert.equal((await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).status, 'received');

    // Receiving from a supplier without a purchase order, by scanning.
    const stockBefore = (
      await c.expect(200, 'GET', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`)
    ).stock;
    await go(page, '#/receiving');
    await page.getByLabel('Receive against').selectOption(`supplier:${supplier.idsupplier}`);
    await page.getByRole('button', { name: 'Start receipt' }).click();
    await page.getByText('Supplier Acme Supplies').waitFor();
    await page.getByLabel('Product code').fill('W-100');
    await page.getByLabel('Product code').press('Enter');
    await page.keyboard.type('4');
    await page.keyboard.press('Enter');
    await page.getByText('Received 4 × W-100.').waitFor();
    const idreceipt = Number(page.url().split('/').pop());
    const supplierReceipt = await c.expect(200, 'GET', `/receipts/${idreceipt}`);
    assert.equal(supplierReceipt.supplier.idsupplier, supplier.idsupplier);
    assert.deepEqual(
      supplierReceipt.products.map((l: any) => [l.productcode, l.amount]),
      [['W-100', 4]],
    );
    const stockAfter = (
      await c.expect(200, 'GET', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`)
    ).stock;
    assert.equal(stockAfter, stockBefore + 4);
    await env.t.assertLedger(c);
  });

  test('when stock changes through the API, then the open stock screen shows it without a reload', async () => {
    const c = await env.t.newClient();
    const { warehouse, product } = await arrange(c);
    const page = await newPage(env);
    await signIn(page, env, c);
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
    await page.getByLabel('Find a product (code or name)').fill('W-100');
    await page.getByRole('button', { name: /W-100/ }).click();
    const cell = page.getByTestId(`stock-${warehouse.idwarehouse}`);
    await cell.filter({ hasText: /^0$/ }).waitFor();
    // Mark the document: a reload would lose the mark.
    await page.evaluate(() => ((window as any).__noReload = true));

    await c.expect(200, 'POST', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`, {
      change: 7,
      reason: 'delivered elsewhere',
    });
    await cell.filter({ hasText: /^7$/ }).waitFor({ timeout: 8_000 });
    await page.getByTestId('history').getByText('delivered elsewhere').waitFor({ timeout: 8_000 });
    assert.equal(await page.evaluate(() => (window as any).__noReload), true);
    const api = await c.expect(200, 'GET', `/products/${product.idproduct}/stock`);
    assert.equal(api[0].stock, 7);
  });

  test('when a form gets bad input, then the API error shows next to the field and nothing changes', async () => {
    const c = await env.t.newClient();
    const { warehouse, product, supplier } = await arrange(c);
    await c.expect(200, 'POST', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`, {
      change: 3,
      reason: 'start',
    });
    const page = await newPage(env);

    // A wrong key: the API's 401 message under the key field, still signed out, nothing stored.
    await page.goto(`${env.base}/app/`);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refused = await fetch(`${env.base}/api/v1/warehouses`, {
      headers: { authorization: 'Basic ' + Buffer.from('not-a-key:X').toString('base64') },
    });
    const refusal = (await refused.json()) as { error_message: string };
    await page.locator('.field.has-error .error', { hasText: refusal.error_message }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
    await signIn(page, env, c);
    assert.equal(await page.evaluate(() => Object.keys(sessionStorage).join()), 'stockroom.apikey');
    assert.ok(!page.url().includes(c.apikey), 'the key never goes in the URL');

    // Removing more than there is: the API's "not enough stock" message under Amount.
    await page.getByLabel('Product code').fill('W-100');
    await page.getByLabel('Product code').press('Enter');
    await page.getByLabel('Amount', { exact: true }).first().fill('-1000');
    await page.getByLabel('Reason').first().fill('oops');
    await page.getByRole('button', { name: 'Book' }).click();
    const amount = page.getByLabel('Amount', { exact: true }).first();
    await page.locator('.field.has-error .error').first().waitFor();
    const describedBy = await amount.getAttribute('aria-describedby');
    assert.ok(describedBy, 'the amount field points at its error');
    const shown = await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText();
    const api = await c.post(`/products/${product.idproduct}/stock/${warehouse.idwarehouse}`, {
      change: -1000,
      reason: 'oops',
    });
    assert.equal(api.status, 400);
    assert.equal(shown, api.body.error_message);
    assert.equal(await amount.getAttribute('aria-invalid'), 'true');
    const stock = await c.expect(200, 'GET', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`);
    assert.equal(stock.stock, 3);
    assert.equal((await c.expect(200, 'GET', `/stockhistory?idproduct=${product.idproduct}`)).length, 1);
    await screenshot(page, 'bad-input');

    // A purchase order line of 0: the schema's message under Amount, no line added.
    const po = await c.expect(201, 'POST', '/purchaseorders', {
      idsupplier: supplier.idsupplier,
      idwarehouse: warehouse.idwarehouse,
      products: [],
    });
    await go(page, `#/purchasing/${po.idpurchaseorder}`);
    await page.getByLabel('Product code').fill('W-100');
    await page.getByLabel('Amount').fill('0');
    await page.getByRole('button', { name: 'Add line' }).click();
    const poAmount = page.getByLabel('Amount');
    await page.locator('.field.has-error .error').waitFor();
    const poError = await page
      .locator(`[id="${(await poAmount.getAttribute('aria-describedby'))!}"]`)
      .innerText();
    assert.match(poError, /amount/i);
    assert.deepEqual((await c.expect(200, 'GET', `/purchaseorders/${po.idpurchaseorder}`)).products, []);
  });

  test('when each main screen is open, in English and Dutch, on a desktop and a phone, then axe finds no serious or critical violations', async () => {
    const c = await env.t.newClient();
    const { product, warehouse } = await arrange(c);
    await c.expect(200, 'POST', `/products/${product.idproduct}/stock/${warehouse.idwarehouse}`, {
      change: 4,
      reason: 'start',
    });
    const page = await newPage(env);
    const signInProblems = await (async () => {
      await page.goto(`${env.base}/app/`);
      await page.getByLabel('API key').waitFor();
      return seriousViolations(page);
    })();
    assert.deepEqual(signInProblems, [], 'sign-in screen');
    await screenshot(page, 'sign-in');
    await signIn(page, env, c);

    const screens = ['stock', 'backorders', 'orders', 'picklists', 'purchasing', 'receiving', 'events'];
    for (const screen of screens) {
      await go(page, `#/${screen}`);
      await page.locator('main h1').waitFor();
      // The live stream keeps a request open, so "network idle" never comes: wait for the data.
      await page.waitForFunction(() => !document.querySelector('main')!.textContent.includes('Loading…'));
      assert.deepEqual(await seriousViolations(page), [], `screen ${screen}`);
    }
    await go(page, '#/events');
    await page.getByTestId('event-feed').waitFor();
    await screenshot(page, 'events');

    // Dutch: the switch changes the words and the document language.
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('link', { name: 'Voorraad' }).click();
    await page.getByRole('heading', { name: 'Voorraad', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');
    await page.getByLabel('Zoek een product (code of naam)').fill('W-100');
    await page.getByRole('button', { name: /W-100/ }).click();
    await page.getByTestId('stock-chart').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'stock screen in Dutch');
    await screenshot(page, 'stock-nl');

    // A phone: nothing wider than the screen, still no serious violations.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(100);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    assert.deepEqual(await seriousViolations(page), [], 'stock screen on a phone');
    await screenshot(page, 'stock-phone');
  });
});
