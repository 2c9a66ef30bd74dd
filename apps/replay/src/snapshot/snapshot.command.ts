import { Command, Option } from 'commander';
import { loadSnapshot, publishSnapshot, snapshotOf } from '@regsync/event-replay/register-snapshots';
import { bootReplayTarget } from '@regsync/event-replay/replay';
import { kafkaOf } from '../cli-options';
import { loadReplayConfig } from '../replay-config';
import { TARGET_APP_NAMES, targetInstance } from '../target-apps';

interface InstanceOptions {
  app: string;
  instance?: string;
}

const instanceOptions = (command: Command) =>
  command.addOption(new Option('--app <app>', 'register app').choices(TARGET_APP_NAMES).makeOptionMandatory()).option('--instance <key>', 'instance key (AGS, Land code; federal-register: DE)');

export function snapshotCommand(): Command {
  const publish = instanceOptions(new Command('publish'))
    .summary("write the instance's latest state to its compacted snapshot topic")
    .action(async (options: InstanceOptions) => {
      const config = loadReplayConfig();
      const instance = targetInstance(config, options.app, options.instance);
      const result = await publishSnapshot(kafkaOf(config), {
        ...snapshotOf(instance.app, instance.instanceKey, config.NAMESPACE),
        databaseUrl: instance.databaseUrl,
        consumerGroup: instance.consumerGroup,
      });
      console.log(
        `published ${result.rows} row(s) (${result.sealedRows} sealed with their person's snapshot key; keys made ${result.keysIssued}, withdrawn ${result.keysWithdrawn}) and ${result.tombstones} tombstone(s) to ${result.topic}; the log continues from ${JSON.stringify(result.offsets)}`,
      );
    });

  const load = instanceOptions(new Command('load'))
    .summary('bootstrap a new register instance from a snapshot topic, then continue on the log')
    .option('--from-instance <key>', 'read the snapshot of this instance of the same app (default: --instance)')
    .action(async (options: InstanceOptions & { fromInstance?: string }) => {
      const config = loadReplayConfig();
      const instance = targetInstance(config, options.app, options.instance);
      const source = targetInstance(config, options.app, options.fromInstance ?? options.instance);
      const kafka = kafkaOf(config);
      // booting creates and migrates the database, exactly as the service would
      await (await bootReplayTarget(instance.module())).close();
      const result = await loadSnapshot(kafka, { ...snapshotOf(source.app, source.instanceKey, config.NAMESPACE), databaseUrl: instance.databaseUrl });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { groups } = await admin.describeGroups([instance.consumerGroup]);
        if ((groups[0]?.members.length ?? 0) > 0) throw new Error(`consumer group ${instance.consumerGroup} is active: stop the new instance, then load again`);
        for (const [topic, partitions] of Object.entries(result.offsets)) {
          await admin.setOffsets({ groupId: instance.consumerGroup, topic, partitions: Object.entries(partitions).map(([partition, offset]) => ({ partition: Number(partition), offset })) });
        }
      } finally {
        await admin.disconnect();
      }
      console.log(`loaded ${result.rows} row(s) into ${instance.databaseName}, skipped ${result.erased} row(s) of erased persons; consumer group ${instance.consumerGroup} continues from ${JSON.stringify(result.offsets)}`);
    });

  return new Command('snapshot')
    .summary('bootstrap path: a compacted topic with the latest state of a register instance')
    .description(
      'publish: writes every register row (and the messaging version tables) of an instance to the compacted topic ' +
        '<namespace.>regsync.snapshot.<app>.<instance>.v1: key <table>/<primary key>, value JSON {"table","row"} (row as ' +
        "PostgreSQL's row_to_json), null value for a row that is gone (tombstone); last, the record __log-offsets__ with " +
        "the instance's committed consumer-group offsets. A person's rows are sealed (AES-256-GCM) with the person's snapshot " +
        "key, kept on the key topic of the instance's outgoing topic and withdrawn by the person's erasure. load: creates and migrates the new instance's database, inserts " +
        'the rows (skipping, counted, those of erased persons), and sets its consumer group to those offsets, so it reads only the log after the snapshot.',
    )
    .addCommand(publish)
    .addCommand(load);
}
