import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notFound } from '../../domain/errors.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import * as repo from './accounts.repository.ts';

export const DEFAULT_ACCOUNT_NAME = 'default';

/** Keys are stored as SHA-256 hashes: a leaked database does not leak working keys. */
export const hashKey = (apikey: string): string => createHash('sha256').update(apikey).digest('hex');
const newKey = (): string => randomBytes(30).toString('base64url');

/** The configured start key cannot be used; the server refuses to start with this message. */
export class UnusableKeyError extends Error {}

export interface NewAccount {
  idaccount: number;
  name: string;
  apikey: string;
}

/** How long a known key is trusted without asking the database: the bound on a revocation's delay. */
export const KEY_CACHE_MS = 1000;
const KEY_CACHE_MAX = 10_000;

export function createAccountsService(handle: DatabaseHandle, clock: Clock) {
  const now = () => formatDateTime(clock());
  const keyCache = new Map<string, { idaccount: number; at: number }>();

  async function addKey(idaccount: number, apikey: string, name: string): Promise<number> {
    return repo.insertKey(handle.db, {
      idaccount,
      key_hash: hashKey(apikey),
      key_prefix: apikey.slice(0, 6),
      name,
      created_at: now(),
    });
  }

  return {
    /** Creates an account with a first API key; the key is returned once and only its hash is kept. */
    async createAccount(name: string): Promise<NewAccount> {
      const apikey = newKey();
      const idaccount = await withTransaction(handle, async (trx) => {
        const id = await repo.insertAccount(trx, name, now());
        await repo.insertKey(trx, {
          idaccount: id,
          key_hash: hashKey(apikey),
          key_prefix: apikey.slice(0, 6),
          name: 'initial',
          created_at: now(),
        });
        return id;
      });
      return { idaccount, name, apikey };
    },

    async createKey(idaccount: number, name = 'cli') {
      if (!(await repo.findAccount(handle.db, idaccount))) throw notFound('Account', idaccount);
      const apikey = newKey();
      const idapikey = await addKey(idaccount, apikey, name);
      return { idapikey, idaccount, apikey };
    },

    listAccounts: () => repo.listAccounts(handle.db),
    listKeys: (idaccount: number) => repo.listKeys(handle.db, idaccount),

    async revokeKey(idaccount: number, idapikey: number): Promise<void> {
      if (!(await repo.revokeKey(handle.db, idaccount, idapikey, now())))
        throw notFound('Active API key', idapikey);
      // This process refuses it at once; the others within KEY_CACHE_MS.
      keyCache.clear();
    },

    /**
     * The account an API key belongs to, or undefined for an unknown or revoked key. Known keys are
     * answered from memory for up to KEY_CACHE_MS after they were last read from the database, so a
     * key revoked by any process (or the CLI) is refused everywhere within that time. Unknown keys
     * are never cached: a key created elsewhere works at once.
     */
    async resolveKey(apikey: string): Promise<number | undefined> {
      const known = keyCache.get(apikey);
      if (known && performance.now() - known.at < KEY_CACHE_MS) return known.idaccount;
      const row = await repo.findActiveKeyByHash(handle.db, hashKey(apikey));
      keyCache.delete(apikey);
      if (!row) return undefined;
      keyCache.set(apikey, { idaccount: row.idaccount, at: performance.now() });
      // Oldest first (insertion order): a bound, not an eviction policy that matters.
      if (keyCache.size > KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
      return row.idaccount;
    },

    /**
     * At start: make STOCKROOM_API_KEY work for the default account (created if missing). With no key
     * configured and no key in the database, create the default account and return its new key so
     * the server can print it once.
     */
    async bootstrap(configuredKey: string | undefined): Promise<string | undefined> {
      // Several service processes may start at once on one PostgreSQL: serialise the check-then-create.
      return withTransaction(handle, async (trx) => {
        await repo.lockBootstrap(trx, handle.engine);
        if (configuredKey) {
          const known = await repo.findKeyByHash(trx, hashKey(configuredKey));
          if (known?.revoked_at)
            throw new UnusableKeyError(
              `STOCKROOM_API_KEY is revoked (API key ${known.idapikey}, revoked ${known.revoked_at}): ` +
                'set it to an active key (npm run stockroom -- keys create <idaccount>) or leave it unset',
            );
          if (known) return undefined;
        }
        if (!configuredKey && (await repo.countKeys(trx)) > 0) return undefined;
        const account = await repo.findAccountByName(trx, DEFAULT_ACCOUNT_NAME);
        const idaccount = account?.idaccount ?? (await repo.insertAccount(trx, DEFAULT_ACCOUNT_NAME, now()));
        const apikey = configuredKey ?? newKey();
        await repo.insertKey(trx, {
          idaccount,
          key_hash: hashKey(apikey),
          key_prefix: apikey.slice(0, 6),
          name: configuredKey ? 'STOCKROOM_API_KEY' : 'first start',
          created_at: now(),
        });
        return configuredKey ? undefined : apikey;
      });
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
