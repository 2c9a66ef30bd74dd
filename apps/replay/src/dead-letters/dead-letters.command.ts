import { Command } from 'commander';
import { Partitioners } from 'kafkajs';
import { hostname, userInfo } from 'node:os';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { schemaRegistryConnectionOf } from '@regsync/contracts/registry-protocol';
import { DeadLetterStore, DeadLetterView, RedriveReport } from '@regsync/event-replay/dead-letter-store';
import { describeRedriveOutcome } from '@regsync/messaging/dead-letter-redrive';
import { GroupSelection, collect, consumerGroupFrom, kafkaOf, parseCount, readerGroupPrefix, withGroupSelection } from '../cli-options';
import { ReplayConfig, loadReplayConfig } from '../replay-config';

interface GroupOptions extends GroupSelection {
  reasonCode?: string[];
}

const groupOptions = (command: Command) =>
  withGroupSelection(command, 'consumer group whose dead letters to read').option('--reason-code <code>', 'only dead letters with this reason code, e.g. retries-exhausted; repeatable', collect);

function describe(letter: DeadLetterView): string {
  const { info } = letter;
  return (
    `${letter.ref}  ${letter.eventType ?? '?'} ${letter.subjectId ?? ''}  ${info.reasonCode}: ${info.reason}\n` +
    `    from ${info.sourceTopic}:${info.sourcePartition}:${info.sourceOffset}, group ${info.consumerGroup}, failed ${info.failedAt.toISOString()} after ${info.attempts} attempt(s), event ${letter.eventId ?? '?'}`
  );
}

function asJson(letter: DeadLetterView, withEvent: boolean) {
  return { ref: letter.ref, ...letter.info, eventType: letter.eventType, eventId: letter.eventId, subjectId: letter.subjectId, decodeError: letter.decodeError, ...(withEvent ? { event: letter.event } : {}) };
}

function outcomeLine(report: RedriveReport): string {
  const { outcome } = report;
  const to = `${report.ref} → ${report.redriven.topic}:${report.redriven.partition}:${report.redriven.offset}`;
  return outcome.kind === 'pending' ? `${to}: re-driven, outcome pending: ${outcome.detail}` : `${to}: ${describeRedriveOutcome(outcome)}`;
}

/** Who re-drove what, and the outcome: one structured line per dead letter on stderr, for the operator's log. */
function auditLine(config: ReplayConfig, report: RedriveReport): string {
  const operator = `${userInfo().username}@${hostname()}`;
  return JSON.stringify({ audit: 'dead-letter-redriven', tool: 'replay', operator, principal: config.KAFKA_USERNAME ?? null, deadLetter: report.ref, redrivenTo: report.redriven, outcome: report.outcome });
}

async function openStore(config: ReplayConfig): Promise<DeadLetterStore> {
  const codec = await EventCodec.connect(config.SCHEMA_REGISTRY_URL).catch((error: Error) => {
    throw new Error(`schema registry at ${schemaRegistryConnectionOf(config.SCHEMA_REGISTRY_URL).url} (SCHEMA_REGISTRY_URL), needed to decode dead letters: ${error.message}`);
  });
  return new DeadLetterStore(kafkaOf(config), codec, readerGroupPrefix(config));
}

export function deadLettersCommand(): Command {
  const list = groupOptions(new Command('list'))
    .summary('list the dead letters of a consumer group, decoded, with reason and origin')
    .action(async (options: GroupOptions) => {
      const config = loadReplayConfig();
      const store = await openStore(config);
      const letters = (await store.list(consumerGroupFrom(config, options))).filter((letter) => !options.reasonCode?.length || options.reasonCode.includes(letter.info.reasonCode));
      if (options.json) return console.log(JSON.stringify(letters.map((letter) => asJson(letter, false)), null, 2));
      if (letters.length === 0) console.log('no dead letters');
      for (const letter of letters) console.log(describe(letter));
    });

  const show = new Command('show')
    .summary('show one dead letter with its decoded event and headers')
    .argument('<ref>', '<dead-letter topic>:<partition>:<offset>, as printed by list')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      const config = loadReplayConfig();
      const letter = await (await openStore(config)).show(ref);
      if (options.json) return console.log(JSON.stringify(asJson(letter, true), null, 2));
      console.log(describe(letter));
      const headers = Object.fromEntries(Object.entries(letter.record.headers ?? {}).map(([name, value]) => [name, String(value)]));
      console.log(`  headers: ${JSON.stringify(headers, null, 2).replace(/\n/g, '\n  ')}`);
      console.log(letter.event ? `  event: ${JSON.stringify(letter.event, null, 2).replace(/\n/g, '\n  ')}` : `  event does not decode: ${letter.decodeError}`);
    });

  const redrive = groupOptions(new Command('redrive'))
    .summary("re-drive dead letters onto their consumer group's retry topic (dry run unless --execute)")
    .argument('[refs...]', 'dead letters to re-drive (<dead-letter topic>:<partition>:<offset>)')
    .option('--all', 'every dead letter of --group / --app --instance (narrow with --reason-code)')
    .option('--execute', 're-drive (without it the selection is only printed)')
    .option('--wait <seconds>', 'how long to watch the consumer group for the outcome (0: do not watch)', parseCount, 30)
    .addHelpText(
      'after',
      `
Fix the cause first (deploy the fix, bring the database back, …), then re-drive. Each dead letter goes to the
retry topic of the consumer group that failed it (<group>.redrive; no other group sees it) with its original key
(so its subject's partition), bytes and headers, and the topic it was first read from, by which the group judges
it. The consuming service must be running; it reports per dead letter on <group>.redrive-outcomes, and the tool
prints that: applied; duplicate (applied before, no effect); DROPPED AS STALE (its subject had moved past it: not
applied); held (waits for a missing earlier version); ignored; DEAD-LETTERED AGAIN (with the new reason). Exit
status 1 when any was dropped as stale or dead-lettered again. Each re-drive is logged on stderr as an audit line.`,
    )
    .action(async (refs: string[], options: GroupOptions & { all?: boolean; execute?: boolean; wait: number }) => {
      if (options.all === (refs.length > 0)) throw new Error('give dead-letter refs or --all (with --group or --app/--instance), not both');
      const config = loadReplayConfig();
      const store = await openStore(config);
      const selected = options.all ? await store.list(consumerGroupFrom(config, options)) : await Promise.all(refs.map((ref) => store.show(ref)));
      const letters = selected.filter((letter) => !options.reasonCode?.length || options.reasonCode.includes(letter.info.reasonCode));
      if (!options.execute) {
        console.log(`dry run (add --execute to re-drive): ${letters.length} dead letter(s)`);
        for (const letter of letters) console.log(describe(letter));
        return;
      }
      const producer = kafkaOf(config).producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        const reports = await store.redrive(producer, letters, options.wait * 1000);
        for (const report of reports) console.error(auditLine(config, report));
        if (reports.some((report) => report.outcome.kind === 'dead-lettered-again' || report.outcome.kind === 'dropped-as-stale')) process.exitCode = 1;
        if (options.json) return console.log(JSON.stringify(reports, null, 2));
        for (const report of reports) console.log(outcomeLine(report));
      } finally {
        await producer.disconnect();
      }
    });

  return new Command('dead-letters')
    .summary('inspect and re-drive dead letters')
    .description("Dead letters of a consumer group live on its topic <group>.dlq; reading them never changes them.")
    .addCommand(list)
    .addCommand(show)
    .addCommand(redrive);
}
