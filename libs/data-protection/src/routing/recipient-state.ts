import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventSubject } from '@regsync/contracts/generated/events';
import { encodeStateRecord, type StoredStateDelivery } from '@regsync/contracts/event-encoding';
import { KAFKA_HEADERS, APP_OF_LEVEL, stateRecordKeyOf, stateTopicOf } from '@regsync/contracts/topics';
import type { OutboxRecord } from '@regsync/messaging/register-messaging';
import { AuthorityTable, isolateByAuthority } from '@regsync/persistence/authority-scope';
import { packBytea } from '@regsync/persistence/databases';
import { stateChangesOf } from '@regsync/register-domain/routing';
import type { RegisterAddress, RegisterInstance } from '@regsync/register-domain/authorities';

/**
 * Per recipient instance and subject, the deliveries the router made there (the recipient's projection, as sent), in
 * routing order: the value of the subject's record on the recipient's compacted state topic. Rows go when the subject
 * leaves the recipient (a tombstone), never by age: they are what a new database of the recipient starts from.
 */
export class RecipientStateTable1767000100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table recipient_state_deliveries (
        id bigserial not null,
        recipient_level text not null,
        recipient_instance_key text not null,
        subject_kind text not null,
        subject_id text not null,
        event_id uuid not null,
        payload bytea not null,
        headers jsonb not null,
        primary key (recipient_level, recipient_instance_key, subject_kind, subject_id, event_id)
      )`);
    await isolateByAuthority(queryRunner, recipientStateAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table recipient_state_deliveries');
  }
}

const recipientStateAuthorityTables: AuthorityTable[] = [
  { table: 'recipient_state_deliveries', primaryKey: ['recipient_level', 'recipient_instance_key', 'subject_kind', 'subject_id', 'event_id'] },
];

export const recipientStateMigrations = [RecipientStateTable1767000100000];

/** A delivery the router made in this chunk, as the recipient's state needs it. */
export interface RoutedDelivery {
  recipient: RegisterAddress;
  subject: EventSubject;
  eventId: string;
  eventType: string;
  payload: Buffer;
  headers: Record<string, string>;
}

interface StateRow {
  recipient_level: RegisterInstance['level'];
  recipient_instance_key: string;
  subject_kind: EventSubject['kind'];
  subject_id: string;
  headers_json: string;
  payload: Buffer;
}

/**
 * The state records of one routing chunk: every recipient and subject the chunk delivered to gets one record with all
 * its deliveries so far (or a tombstone when the subject left the recipient), written through the outbox in the
 * routing transaction, before the chunk's deliveries, so a delivery on Kafka never precedes its subject's state.
 */
export class RecipientState {
  constructor(
    private readonly namespace: string,
    private readonly providerOf: (app: string, authority: string) => string | undefined,
  ) {}

  /** Stores the chunk's deliveries and returns the state records (and tombstones) for the outbox. */
  async recordsAfter(manager: EntityManager, deliveries: readonly RoutedDelivery[]): Promise<OutboxRecord[]> {
    if (deliveries.length === 0) return [];
    const { ended, kept } = stateChangesOf(deliveries.map((delivery) => ({ ...delivery, state: stateKeyOf(delivery.recipient, delivery.subject), register: delivery.recipient.register })));
    // Ends first: what the chunk delivers after a state's end starts it anew.
    const tombstones = await this.forget(manager, ended);
    const payloads = packBytea(kept.map((d) => d.payload));
    await manager.query(
      `insert into recipient_state_deliveries (recipient_level, recipient_instance_key, subject_kind, subject_id, event_id, payload, headers)
       select recipient_level, recipient_instance_key, subject_kind, subject_id, event_id, substring($6::bytea from payload_start for payload_length), headers
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $7::int[], $8::int[], $9::jsonb[])
         as kept (recipient_level, recipient_instance_key, subject_kind, subject_id, event_id, payload_start, payload_length, headers)
       on conflict do nothing`,
      [
        kept.map((d) => d.recipient.level),
        kept.map((d) => d.recipient.instanceKey),
        kept.map((d) => d.subject.kind),
        kept.map((d) => d.subject.id),
        kept.map((d) => d.eventId),
        payloads.bytes,
        payloads.starts,
        payloads.lengths,
        kept.map((d) => JSON.stringify(d.headers)),
      ],
    );
    // One entry per recipient instance and subject: the chunk's last delivery there, whose event id names the record.
    const touched = [...new Map(kept.map((delivery) => [delivery.state, delivery])).values()];
    const rows = (await manager.query(
      `select recipient_level, recipient_instance_key, subject_kind, subject_id, headers::text as headers_json, payload from recipient_state_deliveries
       where (recipient_level, recipient_instance_key, subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))
       order by id`,
      [touched.map((d) => d.recipient.level), touched.map((d) => d.recipient.instanceKey), touched.map((d) => d.subject.kind), touched.map((d) => d.subject.id)],
    )) as StateRow[];
    return [...tombstones, ...this.stateRecordsOf(rows, new Map(touched.map((d) => [d.state, d.eventId])))];
  }

  /**
   * An erased subject leaves every recipient's state topic: a tombstone on each, its stored deliveries deleted and the
   * delivered versions forgotten (the next delivery, should there be one, starts the recipient's state anew).
   * `erasureId`: the erasure's event id, so the same erasure routed twice is one tombstone per topic.
   */
  async erase(manager: EntityManager, subject: EventSubject, erasureId: string): Promise<OutboxRecord[]> {
    const holders = (await manager.query(
      `select distinct recipient_level as level, recipient_instance_key as "instanceKey" from recipient_state_deliveries where subject_kind = $1 and subject_id = $2`,
      [subject.kind, subject.id],
    )) as RegisterInstance[];
    return this.forget(
      manager,
      holders.map((recipient) => ({ recipient, subject, eventId: erasureId })),
    );
  }

  /**
   * Of `ends`, the states the recipients hold (stored deliveries) leave their state topics as `forget` does; the others
   * have no record to end (never delivered, or ended before: a parcel that left the municipality).
   */
  async endHeld(manager: EntityManager, ends: readonly { recipient: RegisterInstance; subject: EventSubject; eventId: string }[]): Promise<OutboxRecord[]> {
    if (ends.length === 0) return [];
    const held = (await manager.query(
      `select distinct recipient_level, recipient_instance_key, subject_kind, subject_id from recipient_state_deliveries
       where (recipient_level, recipient_instance_key, subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))`,
      [ends.map((end) => end.recipient.level), ends.map((end) => end.recipient.instanceKey), ends.map((end) => end.subject.kind), ends.map((end) => end.subject.id)],
    )) as Pick<StateRow, 'recipient_level' | 'recipient_instance_key' | 'subject_kind' | 'subject_id'>[];
    const heldStates = new Set(held.map((row) => stateKeyOf({ level: row.recipient_level, instanceKey: row.recipient_instance_key }, { kind: row.subject_kind, id: row.subject_id })));
    return this.forget(
      manager,
      ends.filter((end) => heldStates.has(stateKeyOf(end.recipient, end.subject))),
    );
  }

  /**
   * The subjects leave the recipients' state topics: their stored deliveries and delivered versions deleted, and a
   * tombstone record each (its outbox id `eventId`) to append. Also where a recipient's retention of the subject ended.
   */
  async forget(manager: EntityManager, ends: readonly { recipient: RegisterInstance; subject: EventSubject; eventId: string }[]): Promise<OutboxRecord[]> {
    if (ends.length === 0) return [];
    const columns = (row: (typeof ends)[number]) => [row.recipient.level, row.recipient.instanceKey, row.subject.kind, row.subject.id];
    const parameters = [0, 1, 2, 3].map((column) => ends.map((end) => columns(end)[column]));
    await manager.query(
      `delete from recipient_state_deliveries where (recipient_level, recipient_instance_key, subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))`,
      parameters,
    );
    await manager.query(
      `delete from delivered_versions where (recipient_level, recipient_instance_key, subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))`,
      parameters,
    );
    return ends.map((end) => ({ ...this.addressOf(end.recipient, end.subject), id: end.eventId, eventType: 'tombstone', value: null }));
  }

  private stateRecordsOf(rows: readonly StateRow[], lastEventIds: ReadonlyMap<string, string>): OutboxRecord[] {
    const states = new Map<string, { recipient: RegisterInstance; subject: EventSubject; deliveries: StoredStateDelivery[] }>();
    for (const row of rows) {
      const recipient: RegisterInstance = { level: row.recipient_level, instanceKey: row.recipient_instance_key };
      const subject: EventSubject = { kind: row.subject_kind, id: row.subject_id };
      const key = stateKeyOf(recipient, subject);
      const state = states.get(key) ?? { recipient, subject, deliveries: [] };
      state.deliveries.push({ headersJson: row.headers_json, value: row.payload });
      states.set(key, state);
    }
    // The id of the chunk's last delivery of the subject there: a chunk routed again writes no second record.
    return [...states].map(([key, { recipient, subject, deliveries }]) => ({
      ...this.addressOf(recipient, subject),
      id: lastEventIds.get(key)!,
      eventType: 'state',
      value: encodeStateRecord(subject, deliveries),
    }));
  }

  /** The recipient's provider's state topic, the record's key there, and the addressed authority (one outbox row each). */
  private addressOf(recipient: RegisterInstance, subject: EventSubject): Pick<OutboxRecord, 'topic' | 'key' | 'headers'> {
    const app = APP_OF_LEVEL[recipient.level];
    const provider = this.providerOf(app, recipient.instanceKey);
    if (provider === undefined) throw new Error(`state topics: no provider hosts ${app} ${recipient.instanceKey}`);
    return {
      topic: stateTopicOf(app, provider, this.namespace),
      key: stateRecordKeyOf(provider, recipient.instanceKey, subject.id),
      headers: { [KAFKA_HEADERS.recipientAuthority]: recipient.instanceKey },
    };
  }
}

function stateKeyOf(recipient: RegisterInstance, subject: EventSubject): string {
  return [recipient.level, recipient.instanceKey, subject.kind, subject.id].join('\u0000');
}
