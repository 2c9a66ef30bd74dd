import { Command, Option } from 'commander';
import { DatabaseChecksum, registerDatabaseChecksum } from '@regsync/event-replay/register-snapshots';
import { loadReplayConfig } from '../replay-config';
import { TARGET_APP_NAMES, targetInstance } from '../target-apps';

export function formatChecksum(checksum: DatabaseChecksum): string {
  return [
    `checksum ${checksum.sha256} (database ${checksum.database})`,
    ...checksum.tables.map((table) => `  ${table.table}: ${table.rows} row(s), ${table.sha256}  [${table.columns.join(', ')}]`),
  ].join('\n');
}

export function checksumCommand(): Command {
  return new Command('checksum')
    .summary("print the checksum of a register instance's data")
    .description(
      "Reads the instance's database directly (the service may keep running) and prints a checksum over every " +
        'register table: all columns except application timestamps and generated ids, rows in subject (primary key) ' +
        'order. The messaging tables (inbox, outbox, versions) and the transfer log are not register data and are left ' +
        'out. Equal checksums mean equal register data, so a rebuilt instance can be compared with a live one.',
    )
    .addOption(new Option('--app <app>', 'register app of the instance').choices(TARGET_APP_NAMES).makeOptionMandatory())
    .option('--instance <key>', 'instance key (AGS, Land code; federal-register: DE)')
    .option('--json', 'print JSON')
    .action(async (options: { app: string; instance?: string; json?: boolean }) => {
      const config = loadReplayConfig();
      const checksum = await registerDatabaseChecksum(targetInstance(config, options.app, options.instance).databaseUrl);
      console.log(options.json ? JSON.stringify(checksum, null, 2) : formatChecksum(checksum));
    });
}
