import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { dropDatabase } from '@regsync/persistence/databases';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { ObservabilityModule } from './observability.module';
import { parsePrometheusText } from './prometheus-text';
import { registerChecksum } from './register-checksum';
import { RegisterSnapshotResponse } from './register-snapshot.controller';
import { RegsyncMetrics } from './regsync-metrics';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('ObservabilityModule', () => {
  const databaseName = `regsync_test_obs_${randomUUID().slice(0, 8)}`;
  const metrics = new RegsyncMetrics({ service: 'municipal-register', instance: '03404000' });
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        ServiceDatabaseModule.forRoot({ service: 'municipal-register', instanceKey: '03404000', serverUrl, databaseName, entities: [], migrations: [] }),
        ObservabilityModule.forRoot({
          metrics,
          opsApiKeys: { 'ops-dashboard': 'local-ops-key' },
          registers: [
            {
              dataset: 'person.residence',
              register: 'MELDEREGISTER',
              authoritative: true,
              sql: `select * from (values ('36574261809', '03', 'Markt', '1'), ('12345678995', '03', 'Domhof', '2')) as residents(subject_id, scope, street, house_number)`,
            },
          ],
        }),
      ],
    })
    class TestServiceModule {}
    app = await NestFactory.create(TestServiceModule, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(serverUrl, databaseName);
  });

  it('serves every regsync metric on /metrics in the Prometheus text format, with the instance labels and current values', async () => {
    metrics.eventsConsumed.inc({ event_type: 'MovedOut', topic: 'regsync.person.events.v1' }, 2);
    metrics.eventsApplied.inc({ event_type: 'MovedOut', outcome: 'applied' });
    metrics.eventsProduced.inc({ event_type: 'ResidenceRegistered' }, 3);
    metrics.deadLetters.inc({ reason_code: 'not-authoritative' });
    metrics.versionGaps.inc({ event_type: 'NameChanged' });
    metrics.handlerSeconds.observe({ event_type: 'MovedOut' }, 0.004);
    metrics.outboxBacklog.set(5);
    metrics.outboxOldestAgeSeconds.set(12.5);
    metrics.consumerLag.set({ group: 'regsync.municipal-register.03404000', topic: 'regsync.person.events.v1', partition: '4' }, 7);

    const response = await request(app.getHttpServer()).get('/metrics').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const samples = parsePrometheusText(response.text);
    const instance = { service: 'municipal-register', instance: '03404000' };
    const valueOf = (name: string, labels: Record<string, string> = {}) =>
      samples.find((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === JSON.stringify(Object.entries({ ...labels, ...instance }).sort()))?.value;
    expect(valueOf('regsync_events_consumed_total', { event_type: 'MovedOut', topic: 'regsync.person.events.v1' })).toBe(2);
    expect(valueOf('regsync_events_applied_total', { event_type: 'MovedOut', outcome: 'applied' })).toBe(1);
    expect(valueOf('regsync_events_produced_total', { event_type: 'ResidenceRegistered' })).toBe(3);
    expect(valueOf('regsync_dead_letters_total', { reason_code: 'not-authoritative' })).toBe(1);
    expect(valueOf('regsync_version_gaps_total', { event_type: 'NameChanged' })).toBe(1);
    expect(valueOf('regsync_handler_duration_seconds_bucket', { event_type: 'MovedOut', le: '0.0025' })).toBe(0);
    expect(valueOf('regsync_handler_duration_seconds_bucket', { event_type: 'MovedOut', le: '0.005' })).toBe(1);
    expect(valueOf('regsync_handler_duration_seconds_count', { event_type: 'MovedOut' })).toBe(1);
    expect(valueOf('regsync_outbox_backlog')).toBe(5);
    expect(valueOf('regsync_outbox_oldest_age_seconds')).toBe(12.5);
    expect(valueOf('regsync_consumer_lag', { group: 'regsync.municipal-register.03404000', topic: 'regsync.person.events.v1', partition: '4' })).toBe(7);
    expect(response.text).toContain('# TYPE regsync_events_applied_total counter');
    expect(response.text).toContain('# TYPE regsync_handler_duration_seconds histogram');
    expect(response.text).toMatch(/^process_cpu_seconds_total\{.*\} \d/m);
  });

  it('refuses /ops/registers without the ops API key, since it names subjects', async () => {
    await request(app.getHttpServer()).get('/ops/registers').expect(401);
    await request(app.getHttpServer()).get('/ops/registers').set('x-api-key', 'wrong-key-123').expect(401);
  });

  it('answers /ops/registers with count, checksum and per-subject hashes computed from the database rows', async () => {
    const response = await request(app.getHttpServer()).get('/ops/registers').set('x-api-key', 'local-ops-key').expect(200);
    const body = response.body as RegisterSnapshotResponse;
    const expected = registerChecksum([
      { subject_id: '36574261809', scope: '03', street: 'Markt', house_number: '1' },
      { subject_id: '12345678995', scope: '03', street: 'Domhof', house_number: '2' },
    ]);
    expect(body.labels).toEqual({ service: 'municipal-register', instance: '03404000' });
    expect(body.datasets).toEqual([{ dataset: 'person.residence', register: 'MELDEREGISTER', authoritative: true, replicaScope: null, ...expected }]);
  });
});
