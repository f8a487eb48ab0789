import { loadConfig } from './config.ts';
import { connect } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import { reconcile } from './modules/stock/stock.reconcile.ts';
import { createServices } from './services.ts';
import { dataCommand, opsCommand } from './modules/ops/ops.cli.ts';
import { systemClock } from './domain/time.ts';
import { createUsersService } from './modules/users/users.service.ts';

const USAGE = `Usage: npm run --silent stockroom -- <command>

  migrate                              bring the database schema up to date
  accounts create <name>               create an account; prints {"idaccount","name","apikey"}
  accounts list                        list accounts
  keys create <idaccount> [name]       create another API key for an account
  keys list <idaccount>                list an account's keys (never the keys themselves)
  keys revoke <idaccount> <idapikey>   revoke a key
  users create <idaccount> <username> [firstname] [lastname] [emailaddress]
                                       create a user; prints it (with its iduser)
  users list <idaccount>               list an account's users
  stock reconcile <idaccount>          rebuild every stock counter from the ledger and its sources,
                                       check backorder assignment (queues in priority order, parents
                                       following their parts), list any disagreement (exit 1 if any)
  backup <file>                        consistent copy of the SQLite database, also while the server
                                       runs (on PostgreSQL it explains pg_dump)
  restore <file>                       restore a backup into an empty DATA_DIR
  import products <idaccount> <file>   create or update products by productcode from a CSV
  import stock <idaccount> <file>      set stock counts (productcode,idwarehouse,location,stock),
                                       booked as stock changes; --reason="..." names them
                                       imports apply nothing when a row is bad, unless --partial
  export products <idaccount> [file]   products as CSV (the import format); stdout without a file
  export stock <idaccount> <idwarehouse> [file]   stock per product and location as CSV
  export backorders <idaccount> [file] open backorders as CSV
  backorders process <idaccount>       turn every available backorder into picklists

Works on the same DATA_DIR or DATABASE_URL as the server, also while it runs.`;

const positiveInt = (value: string | undefined, what: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  return n;
};

async function main(argv: string[]): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === 'help' || group === '--help') {
    console.log(USAGE);
    return group ? 0 : 1;
  }
  const config = loadConfig();
  const ops = await opsCommand(config, group, action, rest);
  if (ops !== undefined) return ops;
  const handle = connect(config);
  try {
    await migrateToLatest(handle);
    const services = createServices({ handle, config });
    const { accounts } = services;
    const data = await dataCommand(services, group, action, rest);
    if (data !== undefined) return data;
    const out = (v: unknown) => console.log(JSON.stringify(v));
    switch (`${group} ${action ?? ''}`.trim()) {
      case 'migrate':
        console.error('schema is up to date');
        return 0;
      case 'accounts create': {
        const name = rest.join(' ').trim();
        if (!name) throw new Error('accounts create needs a name');
        out(await accounts.createAccount(name));
        return 0;
      }
      case 'accounts list':
        for (const a of await accounts.listAccounts()) out(a);
        return 0;
      case 'keys create':
        out(await accounts.createKey(positiveInt(rest[0], 'idaccount'), rest[1]));
        return 0;
      case 'keys list':
        for (const k of await accounts.listKeys(positiveInt(rest[0], 'idaccount'))) out(k);
        return 0;
      case 'users create': {
        const [idaccount, username, firstname, lastname, emailaddress] = rest;
        if (!username) throw new Error('users create needs an idaccount and a username');
        const users = createUsersService({ handle, clock: systemClock });
        out(
          await users.create(positiveInt(idaccount, 'idaccount'), {
            username,
            firstname,
            lastname,
            emailaddress,
          }),
        );
        return 0;
      }
      case 'users list': {
        const users = createUsersService({ handle, clock: systemClock });
        for (const u of await users.list(handle.db, positiveInt(rest[0], 'idaccount'), 0, 1_000_000)) out(u);
        return 0;
      }
      case 'keys revoke':
        await accounts.revokeKey(positiveInt(rest[0], 'idaccount'), positiveInt(rest[1], 'idapikey'));
        out({ revoked: Number(rest[1]) });
        return 0;
      case 'stock reconcile': {
        const problems = await reconcile(handle.db, positiveInt(rest[0], 'idaccount'));
        for (const p of problems) console.log(p);
        console.error(
          problems.length === 0 ? 'stock counters agree with the ledger' : `${problems.length} disagreements`,
        );
        return problems.length === 0 ? 0 : 1;
      }
      default:
        console.error(USAGE);
        return 1;
    }
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
