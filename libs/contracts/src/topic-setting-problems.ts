import { TopicSettings } from './topic-catalog';

/** What an existing topic has: its replication and the effective value of each config (broker defaults included). */
export interface ExistingTopicSettings {
  replicationFactor: number;
  config: Readonly<Record<string, string | undefined>>;
}

/**
 * Every setting of an existing topic under which it would lose records the catalog says it keeps, each naming the
 * topic, the setting, its value and the catalog's: shorter retention (time or size), compaction on a topic that
 * must keep every record (or no compaction where the catalog compacts), fewer replicas or fewer in sync, unclean
 * leader election. Settings that keep more than the catalog asks for are fine. Empty: the topic is safe to use.
 */
export function topicSettingProblems(topic: string, wanted: TopicSettings, existing: ExistingTopicSettings): string[] {
  const problems: string[] = [];
  const problem = (setting: string, actual: string | number | undefined, expected: string | number, why: string) =>
    problems.push(`topic ${topic}: ${setting} is ${actual ?? 'not set'}, the catalog says ${expected} (${why})`);

  if (existing.replicationFactor < wanted.replicationFactor) problem('replication factor', existing.replicationFactor, wanted.replicationFactor, 'a lost broker loses records');
  const config = existing.config;
  const wantedPolicy = wanted.config['cleanup.policy'];
  if (wantedPolicy !== undefined && policyOf(config['cleanup.policy']) !== policyOf(wantedPolicy)) {
    problem('cleanup.policy', config['cleanup.policy'], wantedPolicy, wantedPolicy === 'delete' ? 'compaction drops all but the last record of a subject' : 'without compaction the broker expires the records');
  }
  for (const setting of ['retention.ms', 'retention.bytes']) {
    const expected = wanted.config[setting];
    if (expected !== undefined && !keepsAtLeast(config[setting], expected)) problem(setting, config[setting], expected, 'the broker would delete records the catalog keeps');
  }
  const minInsync = wanted.config['min.insync.replicas'];
  if (minInsync !== undefined && !(Number(config['min.insync.replicas']) >= Number(minInsync))) {
    problem('min.insync.replicas', config['min.insync.replicas'], minInsync, 'an acknowledged write could live on one broker only');
  }
  const unclean = wanted.config['unclean.leader.election.enable'];
  if (unclean === 'false' && config['unclean.leader.election.enable'] !== 'false') {
    problem('unclean.leader.election.enable', config['unclean.leader.election.enable'], 'false', 'an out-of-sync replica could become leader and drop acknowledged records');
  }
  return problems;
}

function policyOf(value: string | undefined): string {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .sort()
    .join(',');
}

/** Retention in ms or bytes; any negative value keeps records without limit, as Kafka reads it. */
function keepsAtLeast(actual: string | undefined, wanted: string): boolean {
  if (actual === undefined || actual.trim() === '' || Number.isNaN(Number(actual))) return false;
  const unlimited = (value: number) => value < 0;
  if (unlimited(Number(actual))) return true;
  return !unlimited(Number(wanted)) && Number(actual) >= Number(wanted);
}

/** The settings that bound how long an erased subject's key stays on a key topic (TOPIC_SETTINGS['subject-keys']). */
const ERASURE_BOUND_SETTINGS = ['segment.ms', 'max.compaction.lag.ms', 'min.cleanable.dirty.ratio'] as const;

/**
 * Every setting of an existing topic under which a record the catalog has the cleaner remove soon (an erased key)
 * stays longer than the catalog says: a larger value than the catalog's, or none. Nothing is lost, so a start is not
 * refused, but the erasure's bound (README, data protection) does not hold until the topic is changed.
 */
export function erasureBoundProblems(topic: string, wanted: TopicSettings, existing: ExistingTopicSettings): string[] {
  return ERASURE_BOUND_SETTINGS.filter((setting) => wanted.config[setting] !== undefined && !(Number(existing.config[setting]) <= Number(wanted.config[setting]))).map(
    (setting) => `topic ${topic}: ${setting} is ${existing.config[setting] ?? 'not set'}, the catalog says ${wanted.config[setting]} (an erased key stays on the log longer)`,
  );
}
