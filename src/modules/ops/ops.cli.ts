import type { Config } from '../../config.ts';
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
