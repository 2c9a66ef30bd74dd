import { Client } from 'pg';

/** What the relay's last committed progress marker says, and what the database says it has marked published. */
export interface PublishedPositions {
  /** The number of the relay's last committed Kafka transaction (undefined: a marker written before they were numbered). */
  kafkaTransaction: number | undefined;
  /** The number of the last transaction whose rows the database marked published (null: none). */
  databaseTransaction: number | null;
  /** Whether every row the last marker names is in the database (published or not). */
  markerRowsPresent: boolean;
}

/**
 * Whether the database is behind what its relay committed on Kafka, i.e. was restored from a backup. The relay marks
 * a transaction's rows published before it commits the next one, so after a crash the database is at most one
 * transaction behind, and that transaction's rows are in it; anything further behind was lost by the database.
 */
export function restoredBehind({ kafkaTransaction, databaseTransaction, markerRowsPresent }: PublishedPositions): boolean {
  if (kafkaTransaction === undefined) return false;
  const behind = kafkaTransaction - (databaseTransaction ?? 0);
  return behind > 1 || (behind === 1 && !markerRowsPresent);
}

/** Where Kafka and the restored database stood: the relay's last committed marker and the database's last marked one. */
export interface RestoreFinding {
  relayId: string;
  kafka: { transaction: number; epoch: number; highestId: string; committedAt: Date };
  database: { transaction: number | null; publishedAt: Date | null };
}

/**
 * After a restore: a new epoch above the database's and the last one Kafka has seen, so the subject versions sent
 * from now on come after all sent before; and the outbox ids moved past the last marker's, so that marker never names
 * a new row. Waits for appends in flight (they hold the counters' table) and holds new ones until it commits, so no
 * event is numbered in the old epoch afterwards. Returns the new epoch and what to log, loudly.
 */
export async function startEpochAfterRestore(client: Client, finding: RestoreFinding): Promise<{ epoch: number; report: string }> {
  await client.query('begin');
  try {
    await client.query('lock table regsync_subject_version in share mode');
    const [{ epoch, previous }] = (
      await client.query<{ epoch: string; previous: string }>(
        'update regsync_producer_state as state set epoch = greatest(state.epoch, $1) + 1 from regsync_producer_state as old returning state.epoch::text as epoch, old.epoch::text as previous',
        [finding.kafka.epoch],
      )
    ).rows;
    const [{ was }] = (
      await client.query<{ was: string }>(
        `select coalesce(pg_sequence_last_value(sequence::regclass), 0)::text as was, setval(sequence, greatest($1::bigint, pg_sequence_last_value(sequence::regclass), 1))
         from pg_get_serial_sequence('regsync_outbox', 'id') as sequence`,
        [finding.kafka.highestId],
      )
    ).rows;
    await client.query('commit');
    return { epoch: Number(epoch), report: restoreReport(finding, Number(previous), Number(epoch), was) };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

function restoreReport({ relayId, kafka, database }: RestoreFinding, previousEpoch: number, epoch: number, sequenceWas: string): string {
  const behind = database.publishedAt ? `, ${Math.round((kafka.committedAt.getTime() - database.publishedAt.getTime()) / 1000)} s` : '';
  return (
    `outbox relay ${relayId}: THE DATABASE WAS RESTORED FROM A BACKUP. Kafka has this relay's transaction ${kafka.transaction} (committed ${kafka.committedAt.toISOString()}), ` +
    `the database knew of ${database.transaction ?? 'none'} (${database.publishedAt?.toISOString() ?? 'never'}): ${kafka.transaction - (database.transaction ?? 0)} transactions${behind} behind. ` +
    'Events sent in that time reached their recipients but are not in this database, nor are the register changes that caused them. ' +
    `Epoch ${previousEpoch} -> ${epoch}: new events of every subject come after all sent before; outbox ids moved from ${sequenceWas} past ${kafka.highestId}.`
  );
}
