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

/**
 * After a restore: a new epoch above the database's and the last one Kafka has seen, so the subject versions sent
 * from now on come after all sent before; and the outbox ids moved past the last marker's, so that marker never names
 * a new row. Waits for appends in flight (they hold the counters' table) and holds new ones until it commits, so no
 * event is numbered in the old epoch afterwards. Returns the new epoch and where the id sequence was.
 */
export async function startEpochAfterRestore(client: Client, kafkaEpoch: number, highestMarkedId: string): Promise<{ epoch: number; previousEpoch: number; sequenceWas: string }> {
  await client.query('begin');
  try {
    await client.query('lock table regsync_subject_version in share mode');
    const [{ epoch, previous }] = (
      await client.query<{ epoch: string; previous: string }>(
        'update regsync_producer_state as state set epoch = greatest(state.epoch, $1) + 1 from regsync_producer_state as old returning state.epoch::text as epoch, old.epoch::text as previous',
        [kafkaEpoch],
      )
    ).rows;
    const [{ was }] = (
      await client.query<{ was: string }>(
        `select coalesce(pg_sequence_last_value(sequence::regclass), 0)::text as was, setval(sequence, greatest($1::bigint, pg_sequence_last_value(sequence::regclass), 1))
         from pg_get_serial_sequence('regsync_outbox', 'id') as sequence`,
        [highestMarkedId],
      )
    ).rows;
    await client.query('commit');
    return { epoch: Number(epoch), previousEpoch: Number(previous), sequenceWas: was };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
