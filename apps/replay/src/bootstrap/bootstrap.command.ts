import { Command, Option } from 'commander';
import { BootstrapResult, bootstrapFromStateTopic, bootReplayTarget } from '@regsync/event-replay/replay';
import { loadReplayConfig } from '../replay-config';
import { TARGET_APP_NAMES, TargetInstance, targetInstance } from '../target-apps';

/** Creates and migrates the instance's new database, loads its state topic into it and points its consumer group past it. */
export async function bootstrapInstance(instance: TargetInstance): Promise<BootstrapResult> {
  const target = await bootReplayTarget(instance.module());
  try {
    return await bootstrapFromStateTopic(target);
  } finally {
    await target.close();
  }
}

export function formatBootstrap(result: BootstrapResult, databaseName: string): string {
  const { applied, duplicate, stale, irrelevant, rejected } = result.outcomes;
  return [
    `bootstrapped ${databaseName} from ${result.stateTopic}: ${result.subjects} subject(s), ${result.deliveries} delivery(ies) read`,
    `  applied ${applied}, duplicate ${duplicate}, stale version ${stale}, not for this instance ${irrelevant}, rejected ${rejected}`,
    `  the consumer group continues from ${Object.entries(result.offsets).map(([topic, partitions]) => `${topic} [${partitions.map((p) => `${p.partition}:${p.offset}`).join(' ')}]`).join(', ')}`,
  ].join('\n');
}

export function bootstrapCommand(): Command {
  return new Command('bootstrap')
    .summary("start a new register database from the instance's compacted state topic, without its history")
    .description(
      'For a new, empty database of a register instance (e.g. a new Land mirror): creates and migrates it as the ' +
        'service would, reads the state topic <namespace.>regsync.state.<app>.<instance> to its end (the router keeps ' +
        "there, per subject, every delivery it made to the instance, in the instance's projection; erased subjects and " +
        'subjects gone from the instance are tombstones), applies each subject\'s deliveries in order through the live ' +
        'apply path, and sets the consumer group to the ends of the delivery and retry topics taken before the read. ' +
        'Then start the service: it continues on its delivery topic. Refuses a database that has applied events and a ' +
        "running consumer group. Runs with the instance's own broker credentials (it may read its state topic and set its own group) or an operator's.",
    )
    .addOption(new Option('--app <app>', 'register app').choices(TARGET_APP_NAMES).makeOptionMandatory())
    .option('--instance <key>', 'instance key (AGS, Land code; federal-register: DE)')
    .action(async (options: { app: string; instance?: string }) => {
      const config = loadReplayConfig();
      const instance = targetInstance(config, options.app, options.instance);
      console.log(formatBootstrap(await bootstrapInstance(instance), instance.databaseName));
    });
}
