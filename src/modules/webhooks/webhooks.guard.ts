import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { invalid } from '../../domain/errors.ts';

/*
 * Webhooks must not become a way into the server's own network (SSRF): an address that resolves to
 * a loopback, private, link-local, unique-local, unspecified, multicast or otherwise reserved address
 * is refused unless WEBHOOK_ALLOWED_HOSTS allows its host name or address. The check runs when a hook
 * is created (a clear 400) and again on every delivery, inside the connection's own DNS lookup, so a
 * name that resolved to a public address at creation and to 127.0.0.1 later (DNS rebinding) is still
 * refused, and the socket connects to exactly the address that was checked.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses (dns.promises.lookup with all: true by default). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Thrown at delivery time when the address is refused; the attempt records its message. */
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

type Allowed = { names: Set<string>; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] };

function parseAllowed(entries: readonly string[]): Allowed {
  const names = new Set<string>();
  const ranges: Allowed['ranges'] = [];
  for (const raw of entries) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (!entry) continue;
    if (ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (net.isIP(entry)) {
      const ip = ipaddr.process(entry);
      ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else names.add(entry.replace(/\.$/, ''));
  }
  return { names, ranges };
}

/** Human words for ipaddr.js range names, for the error message. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  carrierGradeNat: 'carrier-grade NAT',
};

export interface AddressGuard {
  /**
   * Checks a hook address: an absolute http(s) URL whose host is allowed or resolves only to public
   * addresses. Throws an invalid_input DomainError (a 400) saying what is wrong.
   */
  check(address: string): Promise<URL>;
  /** A net lookup function for http.request that applies the same rule to the addresses it connects to. */
  lookup: net.LookupFunction;
}

/**
 * Builds the guard for a list of allowed host names, addresses and CIDR ranges.
 *
 * @example
 * const guard = createAddressGuard(['127.0.0.1', 'localhost', '10.1.0.0/16']);
 * await guard.check('https://example.com/hook'); // ok
 * await guard.check('http://192.168.1.5/');      // throws: a private address
 */
export function createAddressGuard(allowedHosts: readonly string[], resolve: Resolver = systemResolver) {
  const allowed = parseAllowed(allowedHosts);

  const nameAllowed = (hostname: string) => allowed.names.has(hostname.toLowerCase().replace(/\.$/, ''));

  /** Undefined when the address may be used, else what kind of address it is ("a private address"). */
  function refusal(address: string): string | undefined {
    if (!ipaddr.isValid(address)) return 'not an IP address';
    // ::ffff:127.0.0.1 is 127.0.0.1.
    const ip = ipaddr.process(address.replace(/%.*$/, ''));
    if (allowed.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits)))
      return undefined;
    const range = ip.range();
    if (range === 'unicast') return undefined;
    return `a ${RANGE_WORDS[range] ?? `reserved (${range})`} address`;
  }

  /** "10.0.0.1 is a private address" or "intranet resolves to 10.0.0.1, a private address". */
  const describe = (hostname: string, address: string, kind: string) =>
    net.isIP(hostname) ? `${address} is ${kind}` : `${hostname} resolves to ${address}, ${kind}`;

  async function addressesOf(hostname: string): Promise<ResolvedAddress[]> {
    if (net.isIP(hostname)) return [{ address: hostname, family: net.isIP(hostname) }];
    return resolve(hostname);
  }

  const guard: AddressGuard = {
    async check(address: string): Promise<URL> {
      let url: URL;
      try {
        url = new URL(address);
      } catch {
        throw invalid(
          `address "${address}" is not a URL; give an absolute URL like https://example.com/webhook`,
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw invalid(`address must be an http:// or https:// URL, got ${url.protocol}//`);
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      if (nameAllowed(hostname)) return url;
      let addresses: ResolvedAddress[];
      try {
        addresses = await addressesOf(hostname);
      } catch {
        throw invalid(`the host ${hostname} of the address could not be resolved; check the address`);
      }
      if (addresses.length === 0) throw invalid(`the host ${hostname} of the address has no addresses`);
      for (const a of addresses) {
        const kind = refusal(a.address);
        if (kind)
          throw invalid(
            `address ${address} is refused: ${describe(hostname, a.address, kind)}. Webhooks only go to ` +
              'public addresses unless WEBHOOK_ALLOWED_HOSTS lists the host',
          );
      }
      return url;
    },

    lookup: ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
      const allowName = nameAllowed(hostname);
      addressesOf(hostname).then(
        (found) => {
          const family = options.family === 4 || options.family === 6 ? options.family : 0;
          const addresses = family ? found.filter((a) => a.family === family) : found;
          const refused = allowName ? undefined : addresses.find((a) => refusal(a.address));
          if (refused) {
            const kind = refusal(refused.address) ?? '';
            return callback(new AddressRefusedError(`refused: ${describe(hostname, refused.address, kind)}`));
          }
          if (addresses.length === 0)
            return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }));
          if (options.all) return callback(null, addresses);
          return callback(null, addresses[0]!.address, addresses[0]!.family);
        },
        (err: unknown) => callback(err),
      );
    }) as net.LookupFunction,
  };
  return guard;
}
