import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localBrokerCredentials, workspaceRoot } from '@regsync/local-stack/local-stack';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { SchemaRegistryProcess } from '../throughput/schema-registry-process';
import { ClusterControl } from './cluster-control';
import { FaultOutcome, FaultRun, LossTrail } from './fault-run';
import { FAULT_SCENARIOS, FaultScenario } from './fault-scenarios';
import { FlowsRun } from './flows-run';
import { PrivatePostgres } from './private-postgres';
import { seededRandom } from '../seeded-random';
import { KafkaConnection } from '@regsync/service-runtime/service-config';

export interface FaultSuiteOptions {
  events: number;
  rate: number;
  transactionSize: number;
  scenarios: string[];
  /** Seeds every scenario's fault schedule (scenario n gets seed + n): print it, and a failing run replays with it. */
  seed: number;
  out: string;
  kafka: KafkaConnection;
  databaseUrl: string;
  /** Citizens of the flows world (each registers, moves, marries; every third dies). */
  persons: number;
}

interface ScenarioRow {
  scenario: FaultScenario;
  /** The scenario's own seed (the run's seed + its index): `--seed` with the run's seed replays it. */
  seed: number;
  outcome?: FaultOutcome;
  crashRestarts: number;
  error?: string;
}

const passed = ({ outcome }: Pick<ScenarioRow, 'outcome'>) =>
  !!outcome && outcome.held === 0 && outcome.lost === 0 && outcome.duplicated === 0 && outcome.notSent === 0 && outcome.reordered === 0 && outcome.wrongState === 0;

/** `npm run faults`: every scenario on fresh topics and databases, then one table; returns whether all passed. */
export async function runFaultSuite(options: FaultSuiteOptions, cluster: ClusterControl): Promise<boolean> {
  const startedAt = new Date();
  const registryNamespace = `faults_${randomBytes(3).toString('hex')}`;
  const registry = new SchemaRegistryProcess(19_000 + randomInt(1_000), options.databaseUrl, registryNamespace);
  await registry.start();
  const rows: ScenarioRow[] = [];
  console.log(`faults: seed ${options.seed} (replay this run's fault schedule with --seed ${options.seed})`);
  let clusterOf3: KafkaConnection | undefined;
  let startedCluster = false;
  let postgres: PrivatePostgres | undefined;
  try {
    for (const [index, scenario] of FAULT_SCENARIOS.entries()) {
      if (!options.scenarios.includes(scenario.name)) continue;
      const log = (line: string) => console.log(`faults: ${scenario.name}: ${line}`);
      log(scenario.what);
      let run: FaultRun | FlowsRun | undefined;
      const random = seededRandom(options.seed + index);
      try {
        if (scenario.world === 'flows') {
          const credentials = localBrokerCredentials(options.kafka);
          if (!credentials) throw new Error('the flows world runs every service as its own principal: it needs the local brokers and their credentials');
          const flows = (run = new FlowsRun({ persons: options.persons, kafka: options.kafka, brokerCredentials: credentials, databaseUrl: options.databaseUrl, random }));
          await flows.start();
          await scenario.drive({ flows, random, log });
        } else {
          if (scenario.brokers === 3 && !clusterOf3) {
            const up = await cluster.kafkaUp(3);
            [clusterOf3, startedCluster] = [cluster.adminConnection(up.bootstrap), up.started];
          }
          if (scenario.privatePostgres && !postgres) {
            postgres = new PrivatePostgres();
            await postgres.start();
          }
          const bench = (run = new FaultRun({
            events: options.events,
            rate: options.rate,
            transactionSize: options.transactionSize,
            kafka: scenario.brokers === 3 ? clusterOf3! : options.kafka,
            databaseUrl: scenario.privatePostgres ? postgres!.url : options.databaseUrl,
            schemaRegistryUrl: registry.url,
            partitionable: scenario.partitionable,
            registerReplica: scenario.registerReplica,
            clockSkew: scenario.clockSkew,
          }));
          await bench.start();
          await scenario.inject({ run: bench, cluster, postgres, registry, random, log });
        }
        run.faultsEnded();
        await run.settle();
        const outcome = await run.outcome();
        rows.push({ scenario, seed: options.seed + index, outcome, crashRestarts: run.crashRestarts });
        log(`sent ${outcome.sent}, applied ${outcome.applied}, held at end ${outcome.held}, dead-lettered ${outcome.deadLettered}, lost ${outcome.lost}, duplicated ${outcome.duplicated}, not sent ${outcome.notSent}, reordered ${outcome.reordered}, wrong state ${outcome.wrongState}, recovered in ${outcome.recoverySeconds.toFixed(1)} s`);
        if (outcome.lossTrail) log(`where the lost events stopped: ${describeTrail(outcome.lossTrail)}`);
      } catch (error) {
        rows.push({ scenario, seed: options.seed + index, crashRestarts: run?.crashRestarts ?? 0, error: (error as Error).message });
        log(`failed: ${(error as Error).message}`);
      } finally {
        await run?.stop().catch(() => undefined);
      }
    }
  } finally {
    await registry.stop();
    await dropDatabase(options.databaseUrl, instanceDatabaseName('schema_registry', undefined, registryNamespace)).catch(() => undefined);
    if (startedCluster) await cluster.kafkaDown(3);
    await postgres?.stop().catch(() => undefined);
  }
  const markdown = faultReport(rows, options, startedAt);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
  console.log(`\n${markdown}\nfaults: written to ${options.out}`);
  return rows.every(passed);
}

function faultReport(rows: ScenarioRow[], options: FaultSuiteOptions, startedAt: Date): string {
  const minutes = (Date.now() - startedAt.getTime()) / 60_000;
  return [
    `# regsync fault runs, ${startedAt.toISOString()}`,
    '',
    `${options.events.toLocaleString('en-US')} valid moves per scenario, written at ${options.rate} events/s in outbox transactions of ${options.transactionSize}; ` +
      `whole run ${minutes.toFixed(1)} min, seed ${options.seed} (\`npm run faults -- --seed ${options.seed}\` replays the fault schedule). Routed layout with authentication on: the writer (Dresden's Melderegister) writes its outgoing topic, ` +
      "the router (apps/router) delivers to Sachsen's delivery topic, the register (Sachsen's mirror) reads only that; each service connects as its own " +
      'SCRAM principal under the ACLs of brokerAclsOf. Check after each scenario, by identity: every event the writer committed (its outbox) applied exactly once ' +
      "by the register (its apply log, written in the handler's transaction), none applied that was not sent, none after a later version of its subject; every " +
      'injected bad message on a dead-letter topic exactly once (by its injection id); and the register holds one row per person with the expected final address ' +
      '(md5 per subject) and number of moves; nothing left held at a gap. Recovery: from the end of the last fault to the register holding everything sent. ' +
      'held at end, lost, duplicated, not sent, reordered and wrong final state must all be 0. ' +
      `The flows scenario runs the real services instead (${options.persons} citizens, births and parcels through every event type, each agency call retried with its ` +
      'Idempotency-Key until answered) and checks by identity over all of them: every event a sender committed (its outbox) taken by the router, every delivery ' +
      "the router committed applied by its recipient (inbox) exactly once (transfer log per event, register and IdNr) and never after a later version of its subject " +
      "(transfer log order); 'wrong final state' counts drift between authoritative registers and replicas, citizens whose record in Dresden is not what their flows imply, " +
      'and agency calls not accepted.',
    '',
    '| scenario | seed | fault | sent | applied | held at end | dead-lettered | lost | duplicated | applied, not sent | reordered | wrong final state | crash restarts | recovery s | s | result |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(({ scenario, seed, outcome, crashRestarts, error }) =>
      outcome
        ? `| ${scenario.name} | ${seed} | ${scenario.what} | ${outcome.sent} | ${outcome.applied} | ${outcome.held} | ${outcome.deadLettered} | ${outcome.lost} | ${outcome.duplicated} | ${outcome.notSent} | ${outcome.reordered} | ${outcome.wrongState} | ${crashRestarts} | ${outcome.recoverySeconds.toFixed(1)} | ${Math.round(outcome.seconds)} | ${passed({ outcome }) ? 'pass' : '**FAIL**'} |`
        : `| ${scenario.name} | ${seed} | ${scenario.what} | | | | | | | | | | ${crashRestarts} | | | **error**: ${error} |`,
    ),
    '',
    ...rows.filter(({ outcome }) => outcome?.lossTrail).map(({ scenario, outcome }) => `${scenario.name}, where the lost events stopped: ${describeTrail(outcome!.lossTrail!)}.`),
  ].join('\n');
}

function describeTrail(trail: LossTrail): string {
  const byOutcome = (counts: Record<string, number>, where: string) => Object.entries(counts).map(([outcome, count]) => `${count} in the ${where} inbox as ${outcome}`);
  return [
    `${trail.unpublished} unpublished in the writer's outbox`,
    `${trail.publishedNotOnTopic} marked published but not on the outgoing topic`,
    `${trail.notRouted} on the outgoing topic but not in the router's inbox`,
    ...byOutcome(trail.notRoutedAs, "router's"),
    `${trail.deliveryUnpublished} routed but unpublished in the router's outbox`,
    `${trail.deliveryNotOnTopic} marked delivered but not on the delivery topic`,
    `${trail.deliveredNotInInbox} on the delivery topic but not in the register's inbox`,
    ...byOutcome(trail.inInboxNotApplied, "register's"),
  ].join(', ');
}

/** The default report location, beside the bench results. */
export const DEFAULT_FAULT_REPORT = join(workspaceRoot(), 'bench', 'results', 'faults-latest.md');
