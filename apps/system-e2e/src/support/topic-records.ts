import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import type { ReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';

export interface TopicRecord {
  key: string;
  /** Null: a tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every record of `topic` from the start up to its end now, in log order per partition. */
export async function recordsOf(env: ReplayTestEnvironment, topic: string): Promise<TopicRecord[]> {
  const admin = env.kafka.admin();
  await admin.connect();
  const ranges = await resolveLogRange(admin, { topics: [topic] }).finally(() => admin.disconnect());
  const records: TopicRecord[] = [];
  await readBoundedLog(env.kafka, ranges, {
    groupPrefix: `${env.namespace}.test-reader`,
    onChunk: async ({ messages }) => {
      for (const message of messages) {
        records.push({ key: String(message.key), value: message.value, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])) });
      }
    },
  });
  return records;
}
