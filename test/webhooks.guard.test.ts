import assert from 'node:assert/strict';
import type { LookupOptions } from 'node:dns';
import { test } from 'node:test';
import { createAddressGuard, type Resolver } from '../src/modules/webhooks/webhooks.guard.ts';

/** A resolver with fixed answers; each name may answer differently on later calls. */
function resolver(answers: Record<string, string[][]>): Resolver {
  const calls = new Map<string, number>();
  return async (hostname) => {
    const list = answers[hostname];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const n = calls.get(hostname) ?? 0;
    calls.set(hostname, n + 1);
    const addresses = list[Math.min(n, list.length - 1)]!;
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** Calls the guard's net lookup the way http.request does. */
function lookup(
  guard: ReturnType<typeof createAddressGuard>,
  hostname: string,
  options: LookupOptions = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    guard.lookup(hostname, options, (err: Error | null, address: unknown) =>
      err ? reject(err) : resolve(address),
    );
  });
}

const dns = resolver({
  'shop.example': [['93.184.216.34']],
  'mixed.example': [['93.184.216.34', '127.0.0.1']],
  'intranet.example': [['10.20.30.40']],
  'v6.example': [['2606:2800:220:1::1']],
  'rebind.example': [['93.184.216.34'], ['127.0.0.1']],
});

test('when a host resolves only to public addresses, then it passes; any private, loopback or reserved one refuses it', async () => {
  const guard = createAddressGuard([], dns);
  assert.equal((await guard.check('https://shop.example/hook')).hostname, 'shop.example');
  await guard.check('http://v6.example:8080/x');
  await guard.check('http://93.184.216.34/');
  for (const [address, reason] of [
    ['http://mixed.example/', /mixed\.example resolves to 127\.0\.0\.1, a loopback address/],
    ['http://intranet.example/', /intranet\.example resolves to 10\.20\.30\.40, a private address/],
    ['http://100.64.0.1/', /carrier-grade NAT/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://192.0.2.1/', /reserved/],
    ['http://localhost/', /could not be resolved/],
  ] as const) {
    await assert.rejects(guard.check(address), reason, address);
  }
});

test('when WEBHOOK_ALLOWED_HOSTS lists a name, an address or a CIDR range, then those are allowed', async () => {
  const byName = createAddressGuard(['Intranet.Example'], dns);
  await byName.check('http://intranet.example/');
  await assert.rejects(byName.check('http://10.20.30.40/'), /private/);
  const byRange = createAddressGuard(['10.0.0.0/8', '::1'], dns);
  await byRange.check('http://intranet.example/');
  await byRange.check('http://10.1.1.1/');
  await byRange.check('http://[::1]:3000/');
  await assert.rejects(byRange.check('http://192.168.1.1/'), /private/);
  await assert.rejects(byRange.check('http://127.0.0.1/'), /loopback/);
});

test('when a name resolves to a public address at creation and to loopback later (DNS rebinding), then the connection lookup refuses it', async () => {
  const guard = createAddressGuard([], dns);
  await guard.check('http://rebind.example/');
  await assert.rejects(lookup(guard, 'rebind.example'), {
    name: 'AddressRefusedError',
    message: /refused: rebind\.example resolves to 127\.0\.0\.1, a loopback address/,
  });
  assert.equal(await lookup(guard, 'shop.example'), '93.184.216.34');
  assert.deepEqual(await lookup(guard, 'shop.example', { all: true }), [
    { address: '93.184.216.34', family: 4 },
  ]);
  // An allowed name may resolve anywhere, loopback included.
  assert.equal(await lookup(createAddressGuard(['rebind.example'], dns), 'rebind.example'), '127.0.0.1');
});
