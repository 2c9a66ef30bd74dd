import { INestApplication } from '@nestjs/common';
import { Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { outgoingTopicOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { TestEnvironment, startTestEnvironment, waitFor } from '@regsync/messaging-testing/test-environment';
import { startTestRouter } from './support/start-test-router';
import { deathDraft, eventOf, residenceDraft, subjectId } from '@regsync/messaging-testing/test-events';

describe('router: a chunk of events routed in one call', () => {
  let env: TestEnvironment;
  let app: INestApplication;
  let closeRouter: (() => Promise<void>) | undefined;
  let producer: Producer;

  beforeAll(async () => {
    env = await startTestEnvironment();
    ({ app, close: closeRouter } = await startTestRouter(env, 'MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:03,STATE:14,FEDERAL:DE'));
    producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await closeRouter?.();
    await env?.close();
  }, 60_000);

  /** Produces on Osnabrück's outgoing topic in one call, so the router fetches the events as one chunk. */
  async function sendFromOsnabrueck(key: string, events: RegsyncEvent[]): Promise<void> {
    const codec = app.get(EventCodec);
    await producer.send({
      topic: outgoingTopicOf('municipal-register', '03404000', env.namespace),
      acks: -1,
      messages: events.map((event) => ({
        key,
        value: codec.encode(event),
        headers: { [KAFKA_HEADERS.eventType]: event.envelope.eventType as EventType, [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: event.envelope.correlationId },
      })),
    });
  }

  async function deliveriesOf(event: RegsyncEvent): Promise<string[]> {
    // The event's rows on delivery topics (its subject's state records share its id, on state topics).
    const rows = (await app.get(DataSource).query(`select topic from regsync_outbox where event_id = $1 and event_type <> 'state' order by topic`, [event.envelope.eventId])) as { topic: string }[];
    return rows.map((row) => row.topic.slice(env.namespace.length + 1));
  }

  it('routes a death to the Land that the registration before it in the same call made a holder', async () => {
    const idnr = subjectId(201);
    const registration = eventOf(residenceDraft(idnr), 1);
    Object.assign(registration, { dwellingStatus: 'HAUPTWOHNUNG' });
    const death = eventOf(deathDraft(idnr), 1);
    const mixedCalls = () => app.get(RegsyncMetrics).handlerSeconds.get().then(({ values }) => values.find((value) => value.labels.event_type === 'mixed' && value.metricName?.endsWith('_count'))?.value ?? 0);
    const mixedBefore = await mixedCalls();

    await sendFromOsnabrueck(idnr, [registration, death]);
    await waitFor('both events routed', async () => (await deliveriesOf(death)).length > 0, 30_000);

    expect(await mixedCalls()).toBe(mixedBefore + 1);
    expect(await deliveriesOf(registration)).toEqual(['regsync.deliveries.federal-register.DE', 'regsync.deliveries.state-register.03']);
    expect(await deliveriesOf(death)).toEqual(['regsync.deliveries.federal-register.DE', 'regsync.deliveries.municipal-register.03404000', 'regsync.deliveries.state-register.03']);
  }, 60_000);
});
