import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, deliveryTopicOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { DRESDEN, FlowEvents } from '@regsync/apps/replay/test/support/register-flow-events';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { routerCaughtUp, startInProcessRouter } from './support/in-process-router';
import { recordsOf } from './support/topic-records';

jest.setTimeout(300_000);

const PARCEL = '14612300100091______';

/**
 * Dresden's Meldebehörde erases a resident who owns a parcel on Dresden's own property-tax roll. The roll was cleared
 * in the erasure's transaction, but its deliveries must record the erasure too: a rebuild of the roll from them would
 * otherwise bring the owner back from the parcel's delivery.
 */
describe("an erasure reaches the erasing municipality's own property-tax roll through the router", () => {
  let env: ReplayTestEnvironment;
  let router: INestApplication;
  const [owner, coOwner] = [generateIdnr(), generateIdnr()];

  /** Sends events on their senders' outgoing topics, in order. */
  async function send(events: readonly RegsyncEvent[]): Promise<void> {
    for (const event of events) {
      const { level, instanceKey } = event.envelope.source;
      await env.produce(outgoingTopicOf(level === 'STATE' ? 'state-register' : 'municipal-register', instanceKey, env.namespace), [event]);
    }
  }

  beforeAll(async () => {
    env = await startReplayTestEnvironment('ownroll');
    router = await startInProcessRouter(env, 'MUNICIPAL:14612000,STATE:14,FEDERAL:DE');
    const flows = new FlowEvents();
    flows.emit('ResidenceRegistered', '14612000', 'MELDEREGISTER', owner, {
      idnr: owner, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: new Date('1990-03-14T00:00:00Z'), address: DRESDEN, movedInOn: new Date('2018-04-01T00:00:00Z'), previousAddress: null, dwellingStatus: 'HAUPTWOHNUNG',
    });
    const parcelRecorded = {
      envelope: {
        eventId: randomUUID(), eventType: 'ParcelRecorded', occurredAt: new Date(), source: { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' }, subject: { kind: 'PARCEL', id: PARCEL },
        subjectVersion: 1, correlationId: randomUUID(), causationId: null, legalBasis: '§ 229 Abs. 3 BewG',
      },
      parcelId: PARCEL, municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [owner, coOwner],
    } as unknown as RegsyncEvent;
    await send([...flows.events, parcelRecorded]);
    await routerCaughtUp(env, router, [outgoingTopicOf('municipal-register', '14612000', env.namespace), outgoingTopicOf('state-register', '14', env.namespace)]);
    flows.emit('PersonErased', '14612000', 'MELDEREGISTER', owner, { reason: 'REGISTRATION_IN_ERROR', requestedBy: 'buergeramt-dresden' });
    await send(flows.events.slice(-1));
    await routerCaughtUp(env, router, [outgoingTopicOf('municipal-register', '14612000', env.namespace)]);
  });

  afterAll(async () => {
    await router?.close();
    await env?.close();
  });

  it("delivers the erasure to Dresden's roll, to which a parcel named the person, and to no other register of Dresden", async () => {
    const deliveries = (await recordsOf(env, deliveryTopicOf('municipal-register', '14612000', env.namespace))).map((record) => ({
      key: record.key,
      eventType: record.headers[KAFKA_HEADERS.eventType],
      register: record.headers[KAFKA_HEADERS.recipientRegister],
    }));
    expect(deliveries).toEqual(
      expect.arrayContaining([
        { key: PARCEL, eventType: 'ParcelRecorded', register: 'GRUNDSTEUER' },
        { key: owner, eventType: 'PersonErased', register: 'GRUNDSTEUER' },
      ]),
    );
    expect(deliveries.filter((delivery) => delivery.key === owner)).toEqual([{ key: owner, eventType: 'PersonErased', register: 'GRUNDSTEUER' }]);
  });
});
