import { topicSettingsOf } from './topic-catalog';
import { erasureBoundProblems, topicSettingProblems } from './topic-setting-problems';

const delivery = topicSettingsOf('delivery', 3);
const safe = { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1', 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' };

describe('topicSettingProblems', () => {
  it('accepts a topic with the catalog’s settings, or one that keeps more', () => {
    expect(topicSettingProblems('regsync.deliveries.state-register.03', delivery, { replicationFactor: 3, config: safe })).toEqual([]);
    // a broker default of log.retention.hours=-1 shows as a negative retention.ms: unlimited too
    expect(topicSettingProblems('t', delivery, { replicationFactor: 5, config: { ...safe, 'retention.ms': '-3600000', 'min.insync.replicas': '3' } })).toEqual([]);
  });

  it('names the topic and the setting under which the broker would expire records', () => {
    expect(topicSettingProblems('regsync.deliveries.state-register.03', delivery, { replicationFactor: 3, config: { ...safe, 'retention.ms': '604800000' } })).toEqual([
      'topic regsync.deliveries.state-register.03: retention.ms is 604800000, the catalog says -1 (the broker would delete records the catalog keeps)',
    ]);
    expect(topicSettingProblems('t', delivery, { replicationFactor: 3, config: { ...safe, 'retention.bytes': '1073741824' } })[0]).toMatch(/^topic t: retention\.bytes is 1073741824/);
  });

  it('refuses compaction on a topic that keeps every record, and a missing one on a compacted topic', () => {
    expect(topicSettingProblems('t', delivery, { replicationFactor: 3, config: { ...safe, 'cleanup.policy': 'compact,delete' } })[0]).toMatch(/cleanup\.policy is compact,delete, the catalog says delete \(compaction drops/);
    expect(topicSettingProblems('p', topicSettingsOf('outbox-progress', 3), { replicationFactor: 3, config: { 'cleanup.policy': 'delete', 'min.insync.replicas': '2' } })[0]).toMatch(/^topic p: cleanup\.policy is delete, the catalog says compact/);
  });

  it('refuses fewer replicas, fewer in sync and unclean leader election', () => {
    expect(topicSettingProblems('t', delivery, { replicationFactor: 1, config: { ...safe, 'min.insync.replicas': '1', 'unclean.leader.election.enable': 'true' } })).toEqual([
      'topic t: replication factor is 1, the catalog says 3 (a lost broker loses records)',
      'topic t: min.insync.replicas is 1, the catalog says 2 (an acknowledged write could live on one broker only)',
      'topic t: unclean.leader.election.enable is true, the catalog says false (an out-of-sync replica could become leader and drop acknowledged records)',
    ]);
  });

  it('scales replicas and in-sync replicas to a smaller cluster', () => {
    expect([1, 2, 3, 5].map((brokers) => [topicSettingsOf('dead-letter', brokers).replicationFactor, topicSettingsOf('dead-letter', brokers).config['min.insync.replicas']])).toEqual([
      [1, '1'],
      [2, '1'],
      [3, '2'],
      [3, '2'],
    ]);
    expect(topicSettingProblems('t', topicSettingsOf('delivery', 1), { replicationFactor: 1, config: { ...safe, 'min.insync.replicas': '1' } })).toEqual([]);
  });
});

describe('erasureBoundProblems', () => {
  const keys = topicSettingsOf('subject-keys', 3);

  it('finds nothing on a key topic with the catalog settings or tighter ones, and nothing to bound on other kinds', () => {
    expect(erasureBoundProblems('t.keys', keys, { replicationFactor: 3, config: keys.config })).toEqual([]);
    expect(erasureBoundProblems('t.keys', keys, { replicationFactor: 3, config: { ...keys.config, 'segment.ms': '60000', 'min.cleanable.dirty.ratio': '0.01' } })).toEqual([]);
    expect(erasureBoundProblems('t', topicSettingsOf('outgoing', 3), { replicationFactor: 3, config: { 'segment.ms': '604800000' } })).toEqual([]);
  });

  it('names each setting under which an erased key stays longer: a key topic made with the day-long lag of before, or the broker defaults', () => {
    expect(erasureBoundProblems('t.keys', keys, { replicationFactor: 3, config: { ...keys.config, 'max.compaction.lag.ms': '86400000', 'segment.ms': '3600000' } })).toEqual([
      'topic t.keys: segment.ms is 3600000, the catalog says 600000 (an erased key stays on the log longer)',
      'topic t.keys: max.compaction.lag.ms is 86400000, the catalog says 3600000 (an erased key stays on the log longer)',
    ]);
    expect(erasureBoundProblems('t.keys', keys, { replicationFactor: 3, config: { 'cleanup.policy': 'compact', 'max.compaction.lag.ms': '9223372036854775807', 'segment.ms': '604800000', 'min.cleanable.dirty.ratio': '0.5' } })).toHaveLength(3);
    expect(erasureBoundProblems('t.keys', keys, { replicationFactor: 3, config: {} })).toHaveLength(3);
  });
});
