import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import { progressView } from './ops.progress.ts';
import { backupSqlite, pgDumpAdvice, restoreSqlite } from './ops.backup.ts';

/**
 * The command line's operations that must not open the database the usual way first (restore
 * needs an empty DATA_DIR; backup uses a connection of its own). Answers the exit code, or
 * undefined when the command is not one of these.
 */
export async function opsCommand(
  config: Config,
  group: string,
  action: string | undefined,
  _rest: string[],
): Promise<number | undefined> {
  if (group !== 'backup' && group !== 'restore') return undefined;
  const file = action;
  if (!file) throw new Error(`${group} needs a file name: npm run --silent stockroom -- ${group} FILE`);
  if (config.databaseUrl) {
    console.error(pgDumpAdvice(config, file));
    return 2;
  }
  const result =
    group === 'backup' ? await backupSqlite(config.dataDir, file) : await restoreSqlite(config.dataDir, file);
  console.log(JSON.stringify(result));
  return 0;
}

/**
 * The command line's data commands: CSV import and export, processing backorders; with a progress
 * bar on a terminal. Answers the exit code, or undefined when the command is not one of these.
 */
export async function dataCommand(
  services: Services,
  group: string,
  action: string | undefined,
  rest: string[],
): Promise<number | undefined> {
  const flags = new Set(rest.filter((a) => a.startsWith('--') && !a.includes('=')));
  const option = (name: string) => rest.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const args = rest.filter((a) => !a.startsWith('--'));
  const account = () => {
    const n = Number(args[0]);
    if (!Number.isInteger(n) || n < 1) throw new Error('idaccount must be a positive integer');
    return n;
  };
  const out = (v: unknown) => console.log(JSON.stringify(v));
  switch (`${group} ${action ?? ''}`.trim()) {
    case 'import products':
    case 'import stock': {
      const idaccount = account();
      const file = args[1];
      if (!file)
        throw new Error(`${group} ${action} needs a file: ${group} ${action} <idaccount> <file.csv>`);
      const view = progressView(`import ${action}`);
      const input = fs.createReadStream(file);
      const options = {
        partial: flags.has('--partial'),
        onProgress: (d: number, t: number) => view.update(d, t),
      };
      const summary =
        action === 'products'
          ? await services.transfer.importProducts(idaccount, input, options)
          : await services.transfer.importStock(idaccount, input, { ...options, reason: option('reason') });
      view.stop();
      out(summary);
      for (const e of summary.errors.slice(0, 20))
        console.error(`line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.message}`);
      if (summary.errors.length > 20) console.error(`... and ${summary.errors.length - 20} more errors`);
      if (!summary.applied) console.error('Nothing imported (use --partial to apply the good rows)');
      return summary.applied ? 0 : 1;
    }
    case 'export products':
    case 'export stock':
    case 'export backorders': {
      const idaccount = account();
      const db = services.handle.db;
      const t = services.transfer;
      let stream;
      let file: string | undefined;
      if (action === 'stock') {
        const idwarehouse = Number(args[1]);
        if (!Number.isInteger(idwarehouse) || idwarehouse < 1)
          throw new Error('export stock <idaccount> <idwarehouse> [file]');
        stream = await t.exportStock(db, idaccount, idwarehouse);
        file = args[2];
      } else {
        stream = action === 'products' ? t.exportProducts(db, idaccount) : t.exportBackorders(db, idaccount);
        file = args[1];
      }
      await pipeline(stream, file ? fs.createWriteStream(file) : process.stdout);
      return 0;
    }
    case 'backorders process': {
      const idaccount = account();
      const total = await services.jobs.ordersWithAvailableBackorders(services.handle.db, idaccount);
      const view = progressView('backorders process (orders)');
      let done = 0;
      view.update(0, total);
      const picklists = await services.orders.processAllBackorders(idaccount, async (n) => {
        done += n;
        view.update(done, Math.max(total, done));
      });
      view.stop();
      out({ orders: done, picklists: picklists.length });
      return 0;
    }
    default:
      return undefined;
  }
}
