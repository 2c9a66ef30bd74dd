import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { queryDatabase, withAdmin } from './world-io';
import { EVENT_TYPES, type EventType } from '@regsync/contracts/generated/events';
import { AUTHORITY } from '@regsync/register-domain/authorities';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { AgencyClient, type AgencyResponse } from '@regsync/local-stack/agency-client';
import { LocalStack, processName, randomPortOffset, type BrokerCredentials, type TopologyInstance } from '@regsync/local-stack/local-stack';
import { deadLetterInfo } from '@regsync/messaging/dead-letter-redrive';
import { kafkaClient } from '@regsync/messaging/broker';
import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import { compareRegisters, type InstanceRegisters } from '@regsync/observability/register-drift-check';
import type { RegisterSnapshotResponse } from '@regsync/observability/register-drift-check';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { databaseUrl, instanceDatabaseName, dropNamespaceDatabases } from '@regsync/persistence/databases';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';
import { groupLag, type FaultOutcome } from './fault-run';
import { checkByIdentity } from './identity-check';

export interface FlowsRunOptions {
  /** Citizens who each register in Osnabrück, move to Dresden and marry there; every third dies there; every fifth has an information block, lifted in Dresden if they live. */
  persons: number;
  kafka: KafkaConnection;
  brokerCredentials: BrokerCredentials;
  databaseUrl: string;
  random: (maxExclusive: number) => number;
}

const OSNABRUECK = '03404000';
const DRESDEN = '14612000';
const LEIPZIG = '14713000';
const LEVEL_DATABASE = { 'municipal-register': 'municipal', 'state-register': 'state', 'federal-register': 'federal' } as const;
const INSTANCES: Pick<TopologyInstance, 'app' | 'instanceKey'>[] = [
  { app: 'municipal-register', instanceKey: OSNABRUECK },
  { app: 'municipal-register', instanceKey: DRESDEN },
  { app: 'municipal-register', instanceKey: LEIPZIG },
  { app: 'state-register', instanceKey: '03' },
  { app: 'state-register', instanceKey: '14' },
  { app: 'federal-register', instanceKey: 'DE' },
];
const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const dresdenAddress = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: DRESDEN };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Person {
  idnr: string;
  familyName: string;
  marriedName: string;
  dies: boolean;
  blocked: boolean;
}

/**
 * The fault suite's second world: the real services (Osnabrück's, Dresden's and Leipzig's Melderegister, Standesamt
 * and Grundsteuer, Niedersachsen's and Sachsen's mirrors and cadastre, the BZSt, the router), each its own process and
 * broker principal, driven by agency calls through every flow and event type (registration, information block set and
 * lifted, move with Rückmeldung, marriage, death, birth with IdNr assignment, parcels recorded, changed and moved to
 * another municipality's tax roll, drift repair's restatements), as agency systems do: each call retried with its Idempotency-Key until it is
 * answered. The check is by identity over every sender, the router and every recipient.
 */
export class FlowsRun {
  readonly namespace = `faultflows${randomBytes(3).toString('hex')}`;
  readonly stack: LocalStack;
  crashRestarts = 0;
  private readonly kafka: Kafka;
  private readonly started = Date.now();
  private readonly persons: Person[];
  private readonly clients: Record<string, AgencyClient>;
  private faultEndedAt?: number;
  private caughtUpAt?: number;
  private workloadErrors: string[] = [];

  constructor(private readonly options: FlowsRunOptions) {
    this.stack = new LocalStack({
      kafkaBrokers: options.kafka.brokers.join(','),
      brokerCredentials: options.brokerCredentials,
      databaseUrl: options.databaseUrl,
      namespace: this.namespace,
      portOffset: randomPortOffset(2000, 20),
      instances: (instance) => INSTANCES.some(({ app, instanceKey }) => instance.app === app && instance.instanceKey === instanceKey),
      healthTimeoutMs: 180_000,
    });
    this.kafka = kafkaClient(options.kafka, { clientId: `${this.namespace}-faults`, logLevel: logLevel.NOTHING });
    this.clients = Object.fromEntries(INSTANCES.map(({ app, instanceKey }) => [instanceKey, AgencyClient.of(this.stack, app, instanceKey)]));
    const surnames = ['Schmidt', 'Müller', 'Weiß', 'Öztürk', 'Nguyễn', 'Łukasz'];
    this.persons = Array.from({ length: options.persons }, (_, index) => ({
      idnr: generateIdnr(options.random),
      familyName: `${surnames[index % surnames.length]}-${lettersOf(index)}`,
      marriedName: `Köhler-${lettersOf(index)}`,
      dies: index % 3 === 2,
      blocked: index % 5 === 1,
    }));
  }

  /** The services that a scenario may kill: every register instance and the router. */
  get services(): string[] {
    return [...INSTANCES.map((instance) => processName(instance)), 'router'];
  }

  async start(): Promise<void> {
    await this.stack.start();
  }

  /** kill -9 of one service, then started again as a supervisor would (agency calls to it fail meanwhile and are retried). */
  async killAndRestart(service: string): Promise<void> {
    await this.stack.kill(service, 'SIGKILL');
    await this.stack.restart(service);
  }

  /** Every citizen's flows, `concurrency` citizens at a time, each step retried until answered; then births and parcels. */
  async drive(concurrency = 4): Promise<void> {
    const queue = [...this.persons];
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let person = queue.shift(); person; person = queue.shift()) await this.livesOf(person);
    }));
    const parents = this.persons.filter((person) => !person.dies).slice(0, 6);
    const parcelIds: string[] = [];
    for (const [index, parent] of parents.entries()) {
      await this.call(OSNABRUECK, `birth-${index}`, (client) =>
        client.recordBirth({ familyName: parent.marriedName, givenNames: `Kind ${lettersOf(index)}`, sex: 'FEMALE', dateOfBirth: today(), placeOfBirth: 'Osnabrück', parentIdnrs: [parent.idnr], residence: osnabrueckAddress }),
      );
      const parcelId = `146123001${String(index + 1).padStart(5, '0')}______`;
      parcelIds.push(parcelId);
      await this.call('14', `parcel-${index}`, (client) => client.recordParcel({ parcelId, municipalityKey: DRESDEN, areaSquareMetres: 600 + index, usage: 'Wohnbaufläche', ownerIdnrs: [parent.idnr] }));
      await this.call('14', `parcel-change-${index}`, (client) =>
        client.recordParcel({ parcelId, municipalityKey: DRESDEN, areaSquareMetres: 580 + index, usage: 'Wohnbaufläche mit Garten', ownerIdnrs: [parent.idnr], changeReason: 'Zerlegung' }),
      );
      // The first parcel leaves Dresden's tax roll for Leipzig's.
      if (index === 0) {
        await this.call('14', `parcel-moves-${index}`, (client) =>
          client.recordParcel({ parcelId, municipalityKey: LEIPZIG, areaSquareMetres: 580, usage: 'Wohnbaufläche mit Garten', ownerIdnrs: [parent.idnr], changeReason: 'Gemeindegebietsänderung' }),
        );
      }
    }
    await this.restate(parcelIds);
  }

  /** Drift repair's restatements (ResidenceRestated, NamesRestated, ParcelRestated), as an operator asks for them; restating again is harmless. */
  private async restate(parcelIds: string[]): Promise<void> {
    const living = this.persons.filter((person) => !person.dies).slice(0, 5).map((person) => person.idnr);
    const body = (subjects: string[]) => ({ subjects, requestedBy: 'Fault Suite (operator)' });
    for (const dataset of ['person.residence', 'person.names']) await this.call(DRESDEN, `restate-${dataset}`, (client) => client.send('POST', `/ops/registers/${dataset}/restatements`, body(living)));
    await this.call('14', 'restate-parcels', (client) => client.send('POST', '/ops/registers/parcel.tax-base/restatements', body(parcelIds)));
  }

  private async livesOf(person: Person): Promise<void> {
    const born = { idnr: person.idnr, familyName: person.familyName, givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14' };
    await this.call(OSNABRUECK, `settle-${person.idnr}`, (client) => client.registerResidence({ ...born, address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null }));
    // A block in force passes on with the Rückmeldung to the new municipality and its Land.
    if (person.blocked) await this.call(OSNABRUECK, `block-${person.idnr}`, (client) => client.send('POST', '/information-blocks', { idnr: person.idnr, kind: 'AUSKUNFTSSPERRE', reasonCategory: 'DANGER_TO_LIFE_OR_HEALTH' }));
    await this.call(DRESDEN, `move-${person.idnr}`, (client) => client.registerResidence({ ...born, address: dresdenAddress, movedInOn: today(), previousAddress: osnabrueckAddress }));
    await this.call(DRESDEN, `marry-${person.idnr}`, (client) =>
      client.recordNameChange({ idnr: person.idnr, familyName: person.marriedName, givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: today() }),
    );
    if (person.dies) await this.call(DRESDEN, `death-${person.idnr}`, (client) => client.recordDeath({ idnr: person.idnr, dateOfDeath: today(), placeOfDeath: 'Dresden' }));
    // Lifted where the person lives now, once the block passed on with the Rückmeldung has arrived (409 until then).
    else if (person.blocked) await this.call(DRESDEN, `lift-${person.idnr}`, (client) => client.send('POST', `/information-blocks/${person.idnr}/lift`, { kind: 'AUSKUNFTSSPERRE' }));
  }

  /** An agency system's call: the same Idempotency-Key until the instance answers (a restarting service refuses or fails). */
  private async call(instanceKey: string, key: string, request: (client: AgencyClient) => Promise<AgencyResponse>): Promise<void> {
    const client = this.clients[instanceKey].withIdempotencyKey(`${this.namespace}-${key}`);
    for (let attempt = 1; ; attempt++) {
      const response = await request(client).catch(() => undefined);
      if (response && response.status < 300) return;
      const retry = !response || response.status >= 500 || response.status === 409;
      if (!retry || attempt >= 200) {
        this.workloadErrors.push(`${key}: ${response ? `${response.status} ${JSON.stringify(response.body).slice(0, 200)}` : 'no answer'}`);
        return;
      }
      await sleep(Math.min(250 * attempt, 2_000));
    }
  }

  faultsEnded(): void {
    this.faultEndedAt = Date.now();
  }

  /** Waits until no outbox holds an unpublished row and no consumer group lags, for a few seconds on end. */
  async settle(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietSince: number | undefined;
    while (Date.now() < deadline) {
      const busy = await this.backlog().catch(() => 1);
      quietSince = busy === 0 ? (quietSince ?? Date.now()) : undefined;
      if (quietSince !== undefined && Date.now() - quietSince > 5_000) {
        this.caughtUpAt = quietSince;
        return;
      }
      await sleep(1_000);
    }
    throw new Error(`flows: not settled after ${timeoutMs / 1000} s`);
  }

  private async backlog(): Promise<number> {
    let backlog = 0;
    for (const database of this.databases()) backlog += (await this.query<{ n: number }>(database, 'select count(*)::int as n from regsync_outbox where published_at is null'))[0].n;
    return backlog + (await withAdmin(this.kafka, async (admin) => {
      let lag = await groupLag(admin, consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, this.namespace), INSTANCES.map(({ app, instanceKey }) => outgoingTopicOf(app, instanceKey, this.namespace)));
      for (const { app, instanceKey } of INSTANCES) lag += await groupLag(admin, consumerGroupOf(app, instanceKey, this.namespace), [deliveryTopicOf(app, instanceKey, this.namespace)]);
      return lag;
    }));
  }

  async outcome(): Promise<FaultOutcome> {
    type Row = { eventId: string; eventType: string; subject: string; version: string; sender: string };
    const losses = new Map<string, number>();
    const loss = (where: string) => losses.set(where, (losses.get(where) ?? 0) + 1);
    // What each sender committed: its outbox rows for its outgoing topic.
    const sent = new Map<string, Row>();
    for (const { app, instanceKey } of INSTANCES) {
      const rows = await this.query<Row>(
        this.databaseOf(app, instanceKey),
        `select event_id::text as "eventId", event_type as "eventType", record_key as subject, subject_version::text as version, '${instanceKey}' as sender from regsync_outbox where topic = $1`,
        [outgoingTopicOf(app, instanceKey, this.namespace)],
      );
      for (const row of rows) sent.set(row.eventId, row);
    }
    // The workload is meant to send every event type; one it did not is a gap in the test, reported as a workload error.
    const sentTypes = new Set([...sent.values()].map((row) => row.eventType));
    // An erasure is not driven here (the citizens' checks do not model an erased person yet): erasure.e2e-spec.ts covers it.
    for (const eventType of EVENT_TYPES.filter((type) => !sentTypes.has(type) && type !== 'PersonErased')) this.workloadErrors.push(`no ${eventType} was sent`);
    // What the router decided: every event it took, and its deliveries per recipient.
    const routerDatabase = instanceDatabaseName('router', ROUTER_INSTANCE_KEY, this.namespace);
    const routed = new Map((await this.query<{ eventId: string; outcome: string }>(routerDatabase, 'select event_id::text as "eventId", outcome from regsync_inbox')).map((row) => [row.eventId, row.outcome]));
    const deliveries = await this.query<{ eventId: string; topic: string }>(routerDatabase, `select event_id::text as "eventId", topic from regsync_outbox where topic like '%regsync.deliveries.%'`);
    const isApplied = (outcome: string | undefined) => outcome === 'applied' || outcome === 'gap_applied';
    for (const row of sent.values()) if (!isApplied(routed.get(row.eventId))) loss(`router: ${row.eventType} from ${row.sender} ${routed.get(row.eventId) ?? 'not in its inbox'}`);
    let duplicated = 0;
    let notSent = 0;
    let reordered = 0;
    let applied = 0;
    for (const { app, instanceKey } of INSTANCES) {
      const database = this.databaseOf(app, instanceKey);
      const unknown = (eventId: string): Row => ({ eventId, eventType: '?', subject: '?', version: '0', sender: '?' });
      const expected = deliveries.filter((delivery) => delivery.topic === deliveryTopicOf(app, instanceKey, this.namespace)).map((delivery) => sent.get(delivery.eventId) ?? unknown(delivery.eventId));
      const inbox = new Map((await this.query<{ eventId: string; outcome: string }>(database, 'select event_id::text as "eventId", outcome from regsync_inbox')).map((row) => [row.eventId, row.outcome]));
      for (const row of expected) {
        if (isApplied(inbox.get(row.eventId))) applied++;
        else loss(`${instanceKey}: ${row.eventType} from ${row.sender} ${inbox.get(row.eventId) ?? 'not in its inbox'}`);
      }
      // The transfer log, written in the apply transaction, in the order applied: one row per event, register and IdNr.
      const logged = await this.query<{ eventId: string; register: string; idnr: string | null }>(database, 'select event_id::text as "eventId", recipient_register as register, idnr from transfer_log order by id');
      const perTransfer = new Map<string, number>();
      for (const row of logged) perTransfer.set(`${row.eventId}/${row.register}/${row.idnr}`, (perTransfer.get(`${row.eventId}/${row.register}/${row.idnr}`) ?? 0) + 1);
      duplicated += [...perTransfer.values()].reduce((sum, count) => sum + count - 1, 0);
      const firstPerEvent = [...new Map(logged.map((row) => [row.eventId, row])).keys()];
      const order = firstPerEvent.map((eventId) => sent.get(eventId) ?? unknown(eventId));
      // Versions count per subject and sending register (each register of an instance numbers its own events).
      const versioned = (row: Row) => ({ eventId: row.eventId, subject: `${row.sender}/${AUTHORITY[row.eventType as EventType]?.register}/${row.subject}`, version: Number(row.version) });
      const identity = checkByIdentity(expected.map(versioned), order.map(versioned));
      notSent += identity.notSent;
      reordered += identity.reordered;
    }
    for (const [where, count] of losses) console.error(`faults: flows: not applied ${count}× at ${where}`);
    const lost = [...losses.values()].reduce((sum, count) => sum + count, 0);
    const deadLettered = await this.deadLetters();
    let held = 0;
    for (const database of this.databases()) held += (await this.query<{ n: number }>(database, 'select count(*)::int as n from regsync_held_event'))[0].n;
    const wrongState = (await this.drift()) + (await this.wrongInDresden()) + this.workloadErrors.length;
    for (const error of this.workloadErrors.slice(0, 10)) console.error(`faults: flows: agency call not accepted: ${error}`);
    return {
      sent: sent.size,
      applied,
      deadLettered,
      held,
      lost,
      duplicated,
      notSent,
      reordered,
      wrongState,
      recoverySeconds: Math.max(0, ((this.caughtUpAt ?? Date.now()) - (this.faultEndedAt ?? this.started)) / 1000),
      seconds: (Date.now() - this.started) / 1000,
    };
  }

  /** Subjects on which a replica disagrees with its authoritative register (the dashboard's drift check). */
  private async drift(): Promise<number> {
    const snapshots: InstanceRegisters[] = [];
    for (const { app, instanceKey } of INSTANCES) {
      const instance = this.stack.instance(app, instanceKey);
      const response = await fetch(`${this.stack.baseUrl(instance)}/ops/registers`, { headers: { 'x-api-key': Object.values(instance.agencyApiKeys)[0] } });
      if (response.ok) snapshots.push({ instance: processName(instance), datasets: ((await response.json()) as RegisterSnapshotResponse).datasets });
    }
    return compareRegisters(snapshots).reduce((sum, report) => sum + report.missing.length + report.unexpected.length + report.different.length, 0);
  }

  /** Citizens whose record in Dresden is not what their flows imply: married name, deceased or resident. */
  private async wrongInDresden(): Promise<number> {
    let wrong = 0;
    for (const person of this.persons) {
      const { status, body } = await this.clients[DRESDEN].resident(person.idnr);
      if (status !== 200 || body.familyName !== person.marriedName || body.status !== (person.dies ? 'DECEASED' : 'RESIDENT')) wrong++;
    }
    return wrong;
  }

  /** Records on any dead-letter topic of the run (valid traffic only: each is an event a register did not apply), with why, logged. */
  private async deadLetters(): Promise<number> {
    const topics = [consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, this.namespace), ...INSTANCES.map(({ app, instanceKey }) => consumerGroupOf(app, instanceKey, this.namespace))].map(deadLetterTopicOf);
    const ranges = await withAdmin(this.kafka, (admin) => resolveLogRange(admin, { topics }));
    const reasons = new Map<string, number>();
    await readBoundedLog(this.kafka, ranges, {
      groupPrefix: `${this.namespace}.faults-dead-letters`,
      onChunk: async ({ messages }) => {
        for (const message of messages) {
          const info = deadLetterInfo(message);
          const reason = `${info.consumerGroup}: ${headerText(message.headers?.[KAFKA_HEADERS.eventType])} ${info.reasonCode} (${info.reason.slice(0, 160)})`;
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      },
    });
    for (const [reason, count] of reasons) console.error(`faults: flows: dead-lettered ${count}× ${reason}`);
    return [...reasons.values()].reduce((sum, count) => sum + count, 0);
  }

  async stop(): Promise<void> {
    await this.stack.stop().catch(() => undefined);
    await withAdmin(this.kafka, async (admin) => {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${this.namespace}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    }).catch(() => undefined);
    await dropNamespaceDatabases(this.options.databaseUrl, this.namespace).catch(() => undefined);
  }

  private databases(): string[] {
    return [...INSTANCES.map(({ app, instanceKey }) => this.databaseOf(app, instanceKey)), instanceDatabaseName('router', ROUTER_INSTANCE_KEY, this.namespace)];
  }

  private databaseOf(app: string, instanceKey: string): string {
    return instanceDatabaseName(LEVEL_DATABASE[app as keyof typeof LEVEL_DATABASE], instanceKey, this.namespace);
  }

  private query<T>(database: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(databaseUrl(this.options.databaseUrl, database), sql, parameters);
  }
}

/** A distinct name part for each index (names take letters only, DIN 91379): 0 → Ba, 1 → Be, ... */
function lettersOf(index: number): string {
  const consonants = 'BDFGKLMNPRST';
  const vowels = 'aeiou';
  let name = '';
  for (let rest = index; ; rest = Math.floor(rest / (consonants.length * vowels.length)) - 1) {
    const syllable = rest % (consonants.length * vowels.length);
    name = consonants[Math.floor(syllable / vowels.length)] + vowels[syllable % vowels.length] + name.toLowerCase();
    if (rest < consonants.length * vowels.length) return name;
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
