import type { Admin, ITopicConfig } from 'kafkajs';

const LEADER_POLL_MS = 100;

/**
 * Creates `topics` and returns once every partition of each has a leader. kafkajs' own `waitForLeaders` gives up on
 * "This server does not host this topic-partition" while a new topic's metadata is still spreading across the broker.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: ITopicConfig[], timeoutMs = 60_000): Promise<void> {
  await admin.createTopics({ topics });
  const names = topics.map(({ topic }) => topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leaderless = await leaderlessTopics(admin, names);
    if (leaderless.length === 0) return;
    if (Date.now() > deadline) throw new Error(`no leader after ${timeoutMs} ms for ${leaderless.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}

async function leaderlessTopics(admin: Admin, names: string[]): Promise<string[]> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    return topics.filter(({ partitions }) => partitions.length === 0 || partitions.some(({ leader }) => leader < 0)).map(({ name }) => name);
  } catch {
    // The metadata of a topic the controller just created is "unknown" on a broker that has not caught up yet.
    return names;
  }
}
