import { INestApplication } from '@nestjs/common';
import { Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { consumerGroupOf, deadLetterTopicOf, outgoingTopicOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { TestEnvironment, startTestEnvironment, waitFor } from '@regsync/messaging-testing/test-environment';
import { deathDraft, eventOf, residenceDraft, subjectId } from '@regsync/messaging-testing/test-events';
import { startTestRouter } from './support/start-test-router';

const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const PROVIDER = 'nds1';
const osnabrueckAddress = { street: 'Hauptstraße', houseNumber: '1', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const hannoverAddress = { street: 'Lister Meile', houseNumber: '3', postalCode: '30161', city: 'Hannover', municipalityKey: HANNOVER };

/** Osnabrück and Hannover hosted by one provider process: one outgoing and one delivery topic for both. */
describe('router: authorities hosted by a provider process', () => {
  let env: TestEnvironment;
  let app: INestApplication;
  let closeRouter: (() => Promise<void>) | undefined;
  let producer: Producer;

  beforeAll(async () => {
    env = await startTestEnvironment();
    ({ app, close: closeRouter } = await startTestRouter(env, `MUNICIPAL:${OSNABRUECK}@${PROVIDER},MUNICIPAL:${HANNOVER}@${PROVIDER},MUNICIPAL:14612000,STATE:03,FEDERAL:DE`));
    producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await closeRouter?.();
    await env?.close();
  }, 60_000);

  /** As the provider's relay does: every event of both municipalities on its one outgoing topic, in one call. */
  async function sendFromProvider(key: string, events: RegsyncEvent[]): Promise<void> {
    const codec = app.get(EventCodec);
    await producer.send({
      topic: outgoingTopicOf('municipal-register', PROVIDER, env.namespace),
      acks: -1,
      messages: events.map((event) => ({
        key,
        value: codec.encode(event),
        headers: { [KAFKA_HEADERS.eventType]: event.envelope.eventType as EventType, [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: event.envelope.correlationId },
      })),
    });
  }

  /** The router's outbox rows for an event (a dead letter's row has an id of its own; its header names the event). */
  async function outboxRows(event: RegsyncEvent): Promise<string[]> {
    // Deliveries and dead letters: a state record of the subject shares the event's id, on its state topic.
    const rows = (await app.get(DataSource).query(`select topic, headers from regsync_outbox where (event_id = $1 or headers->>'${KAFKA_HEADERS.eventId}' = $1::text) and event_type not in ('state', 'tombstone')`, [event.envelope.eventId])) as {
      topic: string;
      headers: Record<string, string>;
    }[];
    return rows.map((row) => `${row.topic.slice(env.namespace.length + 1)} ${row.headers[KAFKA_HEADERS.recipientAuthority] ?? '-'} ${row.headers[KAFKA_HEADERS.recipientRegister] ?? row.headers[KAFKA_HEADERS.dlqReasonCode]}`).sort();
  }

  const from = (event: RegsyncEvent, instanceKey: string): RegsyncEvent => ({ ...event, envelope: { ...event.envelope, source: { ...event.envelope.source, instanceKey } } }) as RegsyncEvent;

  it("delivers to each hosted authority on the provider's one delivery topic, naming it; a death held by both is two records there", async () => {
    const idnr = subjectId(301);
    const inOsnabrueck = eventOf(residenceDraft(idnr), 1);
    Object.assign(inOsnabrueck, { dwellingStatus: 'HAUPTWOHNUNG' });
    const toHannover = from(eventOf(residenceDraft(idnr), 1), HANNOVER);
    Object.assign(toHannover, { address: hannoverAddress, previousAddress: osnabrueckAddress, movedInOn: new Date(Date.UTC(2025, 0, 1)), dwellingStatus: 'HAUPTWOHNUNG' });
    const death = eventOf(deathDraft(idnr), 1);

    await sendFromProvider(idnr, [inOsnabrueck, toHannover, death]);
    await waitFor('the death routed', async () => (await outboxRows(death)).length > 0, 30_000);

    const deliveries = `regsync.deliveries.municipal-register.${PROVIDER}`;
    // Hannover's Anmeldung: the Rückmeldung to Osnabrück goes to the provider's topic, addressed to Osnabrück.
    expect(await outboxRows(toHannover)).toEqual(['regsync.deliveries.federal-register.DE DE IDNR_BASISDATEN', `${deliveries} ${OSNABRUECK} MELDEREGISTER`, 'regsync.deliveries.state-register.03 03 LANDESMELDEREGISTER']);
    expect(await outboxRows(death)).toEqual([
      'regsync.deliveries.federal-register.DE DE IDNR_BASISDATEN',
      `${deliveries} ${HANNOVER} MELDEREGISTER`,
      `${deliveries} ${OSNABRUECK} MELDEREGISTER`,
      'regsync.deliveries.state-register.03 03 LANDESMELDEREGISTER',
    ]);
    // Each co-hosted authority keeps its own record of the subject on the provider's one state topic (compaction keeps both).
    const stateRecords = (await app.get(DataSource).query(`select record_key, headers from regsync_outbox where topic = $1 and event_type = 'state' and record_key like $2`, [
      `${env.namespace}.regsync.state.municipal-register.${PROVIDER}`,
      `%${idnr}`,
    ])) as { record_key: string; headers: Record<string, string> }[];
    expect(new Set(stateRecords.map((row) => `${row.record_key} ${row.headers[KAFKA_HEADERS.recipientAuthority]}`))).toEqual(new Set([`${HANNOVER}/${idnr} ${HANNOVER}`, `${OSNABRUECK}/${idnr} ${OSNABRUECK}`]));
  }, 60_000);

  it("refuses an event on the provider's topic from an authority it does not host (source-mismatch), and delivers nothing", async () => {
    const idnr = subjectId(302);
    const forged = from(eventOf(residenceDraft(idnr), 1), '14612000');
    await sendFromProvider(idnr, [forged]);
    const deadLetters = deadLetterTopicOf(consumerGroupOf('router', 'main', env.namespace)).slice(env.namespace.length + 1);
    await waitFor('the router dead-letters it', async () => (await outboxRows(forged)).length > 0, 30_000);
    expect(await outboxRows(forged)).toEqual([`${deadLetters} - source-mismatch`]);
  }, 60_000);
});
