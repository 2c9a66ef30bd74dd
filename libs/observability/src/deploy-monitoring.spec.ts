import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerProcessesOf } from '@regsync/contracts/broker-access';
import { TopicKind, registerProcessTopics, topicSettingsOf } from '@regsync/contracts/topics';
import { RegsyncMetrics } from './regsync-metrics';

function workspaceFile(...parts: string[]): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return readFileSync(join(dir, ...parts), 'utf8');
}

const known = new Set(new RegsyncMetrics().registry.getMetricsAsArray().map((metric) => metric.name));

/** regsync_* names an expression uses that no RegsyncMetrics metric defines (histogram series count as their metric). */
function unknownMetrics(expression: string): string[] {
  const names = [...expression.matchAll(/\bregsync_[a-z_]+\b/g)].map((match) => match[0]);
  return names.filter((name) => !known.has(name) && !known.has(name.replace(/_(bucket|sum|count)$/, '')));
}

/** The `key: value` of a YAML document at any indentation (the manifests keep one setting per line). */
function yamlValues(document: string, key: string): string[] {
  return [...document.matchAll(new RegExp(`^\\s*-?\\s*${key.replace(/\./g, '\\.')}:\\s*(.+)$`, 'gm'))].map((match) => match[1].trim().replace(/^"(.*)"$/, '$1'));
}

const topology = JSON.parse(workspaceFile('deploy', 'local', 'topology.json')) as { instances: Array<{ app: string; instanceKey: string }> };

describe('deploy/prometheus/alerts.yaml', () => {
  const alerts = workspaceFile('deploy', 'prometheus', 'alerts.yaml')
    .split(/\n(?=\s+- alert: )/)
    .slice(1)
    .map((block) => ({ name: yamlValues(block, 'alert')[0], expr: yamlValues(block, 'expr')[0], block }));

  it('alerts on lag growing, dead letters, a stuck outbox, version gaps, held subjects, drift and instances down', () => {
    const expressions = alerts.map((alert) => alert.expr).join('\n');
    for (const metric of ['regsync_consumer_lag', 'regsync_dead_letters_total', 'regsync_outbox_oldest_age_seconds', 'regsync_version_gaps_total', 'regsync_held_oldest_age_seconds', 'regsync_register_drift_subjects', 'regsync_instance_up']) {
      expect(expressions).toContain(metric);
    }
  });

  it('uses only metrics that the services and the dashboard export', () => {
    for (const alert of alerts) expect({ alert: alert.name, unknown: unknownMetrics(alert.expr) }).toEqual({ alert: alert.name, unknown: [] });
  });

  it('gives every alert a unique name, a severity and a summary', () => {
    expect(new Set(alerts.map((alert) => alert.name)).size).toBe(alerts.length);
    for (const alert of alerts) {
      expect(alert.block).toMatch(/severity: (warning|critical)/);
      expect(yamlValues(alert.block, 'summary')).toHaveLength(1);
    }
  });
});

describe('deploy/grafana/regsync-dashboard.json', () => {
  const dashboard = JSON.parse(workspaceFile('deploy', 'grafana', 'regsync-dashboard.json')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

  it('queries only metrics that exist, and shows every regsync metric somewhere', () => {
    const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    expect(expressions.flatMap(unknownMetrics)).toEqual([]);
    const shown = new Set(expressions.flatMap((expression) => [...expression.matchAll(/\bregsync_[a-z_]+\b/g)].map((match) => match[0].replace(/_(bucket|sum|count)$/, ''))));
    expect([...known].filter((name) => name.startsWith('regsync_') && !shown.has(name))).toEqual([]);
  });
});

describe('deploy/kafka/topics.yaml', () => {
  const topics = new Map(
    workspaceFile('deploy', 'kafka', 'topics.yaml')
      .split(/^---$/m)
      .filter((document) => document.includes('kind: KafkaTopic'))
      .map((document) => [yamlValues(document, 'topicName')[0], document] as const),
  );
  const setting = (topic: string, key: string) => yamlValues(topics.get(topic) ?? '', key)[0];

  /** The `config:` block of a topic's document as name → value. */
  const configOf = (topic: string) =>
    Object.fromEntries([...(topics.get(topic) ?? '').split(/^\s*config:\s*$/m)[1]?.matchAll(/^\s{4}([a-z.]+):\s*"?([^"\n]*)"?$/gm) ?? []].map((match) => [match[1], match[2]]));

  const catalogTopics: [string, TopicKind][] = [
    ...registerProcessesOf(topology).flatMap((process) => registerProcessTopics(process.app, process.instanceKey)),
    // The router's own group; it sends no events of its own and reads no delivery or state topic.
    ...registerProcessTopics('router', 'main').filter(([, kind]) => kind !== 'outgoing' && kind !== 'delivery' && kind !== 'state' && kind !== 'subject-keys'),
  ];

  it.each(catalogTopics)('defines %s with the settings the topic catalog gives its kind (%s) on a three-broker cluster', (name, kind) => {
    const { partitions, replicationFactor, config } = topicSettingsOf(kind, 3);
    expect({ name, partitions: setting(name, 'partitions'), replicas: setting(name, 'replicas'), config: configOf(name) }).toEqual({ name, partitions: String(partitions), replicas: String(replicationFactor), config });
  });

  it('keeps every outgoing, delivery, retry, re-drive outcome and dead-letter topic forever', () => {
    for (const [name, kind] of catalogTopics) if (kind !== 'outbox-progress' && kind !== 'state' && kind !== 'subject-keys') expect([name, setting(name, 'retention.ms'), setting(name, 'cleanup.policy')]).toEqual([name, '-1', 'delete']);
  });

  it('compacts the relay progress, state, subject key and snapshot topics', () => {
    const progressTopics = catalogTopics.filter(([, kind]) => kind === 'outbox-progress' || kind === 'state' || kind === 'subject-keys').map(([name]) => name);
    for (const name of [...progressTopics, 'regsync.person.snapshots.v1', 'regsync.parcel.snapshots.v1']) expect(setting(name, 'cleanup.policy')).toBe('compact');
  });
});

describe('deploy/k8s', () => {
  const deployments = ['federal-register', 'state-register', 'municipal-register', 'ops-dashboard', 'schema-registry']
    .flatMap((file) => workspaceFile('deploy', 'k8s', `${file}.yaml`).split(/^---$/m))
    .filter((document) => document.includes('kind: Deployment'));
  const byName = new Map(deployments.map((document) => [yamlValues(document, 'name')[0], document]));

  it('runs every register instance of the topology, scraped by Prometheus, with readiness on /health and liveness on /health/live', () => {
    for (const instance of topology.instances) {
      const name = instance.app === 'federal-register' ? instance.app : `${instance.app}-${instance.instanceKey}`;
      const deployment = byName.get(name);
      expect({ name, found: deployment !== undefined }).toEqual({ name, found: true });
      expect(deployment).toContain('prometheus.io/scrape: "true"');
      expect(deployment).toMatch(/readinessProbe:\s*\n\s*httpGet: \{ path: \/health, port: http \}/);
      expect(deployment).toMatch(/livenessProbe:\s*\n\s*httpGet: \{ path: \/health\/live, port: http \}/);
      if (instance.app !== 'federal-register') expect(deployment).toContain(`value: "${instance.instanceKey}"`);
    }
  });
});
