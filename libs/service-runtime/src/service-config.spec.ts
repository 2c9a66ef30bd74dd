import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, kafkaConnectionOf, kafkaEnvironmentOf, loadConfig, loadKafkaConnection, serviceConfigShape } from './service-config';

describe('loadConfig', () => {
  it('applies the local defaults and splits the broker list', () => {
    const config = loadConfig(serviceConfigShape, { PORT: '3000', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094' });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('takes writer credentials in SCHEMA_REGISTRY_URL, but not half of them', () => {
    expect(loadConfig(serviceConfigShape, { PORT: '3000', SCHEMA_REGISTRY_URL: 'http://svc:pw@127.0.0.1:8081' }).SCHEMA_REGISTRY_URL).toBe('http://svc:pw@127.0.0.1:8081');
    expect(() => loadConfig(serviceConfigShape, { PORT: '3000', SCHEMA_REGISTRY_URL: 'http://svc@127.0.0.1:8081' })).toThrow(/SCHEMA_REGISTRY_URL: credentials in the URL need both user and password/);
  });

  it('names every invalid setting at once', () => {
    const shape = { ...serviceConfigShape, INSTANCE_KEY: z.string().regex(/^\d{8}$/, 'must be an 8-digit AGS') };
    expect(() => loadConfig(shape, { PORT: 'eighty', INSTANCE_KEY: '123' })).toThrow(ConfigError);
    expect(() => loadConfig(shape, { PORT: 'eighty', INSTANCE_KEY: '123' })).toThrow(/PORT: .*\n.*INSTANCE_KEY: must be an 8-digit AGS/);
  });
});

describe('loadConfig with X_FILE', () => {
  const shape = { PORT: serviceConfigShape.PORT, ROUTED: z.string().min(1, 'required') };
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'regsync-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a setting past the 128 KiB of one environment string from its file, without the trailing newline', () => {
    const long = Array.from({ length: 20_000 }, (_, index) => `MUNICIPAL:${String(index).padStart(8, '0')}@kommunal1`).join(',');
    writeFileSync(join(dir, 'routed'), `${long}\n`);
    expect(long.length).toBeGreaterThan(128 * 1024);
    expect(loadConfig(shape, { PORT: '3000', ROUTED_FILE: join(dir, 'routed') }).ROUTED).toBe(long);
  });

  it('validates the file\'s value like the variable\'s', () => {
    writeFileSync(join(dir, 'routed'), '\n');
    expect(() => loadConfig(shape, { PORT: '3000', ROUTED_FILE: join(dir, 'routed') })).toThrow(/ROUTED: required/);
  });

  it('refuses both the variable and its file, and names a file it cannot read', () => {
    writeFileSync(join(dir, 'routed'), 'x');
    expect(() => loadConfig(shape, { PORT: '3000', ROUTED: 'x', ROUTED_FILE: join(dir, 'routed') })).toThrow(/ROUTED, ROUTED_FILE: give one of them, not both/);
    expect(() => loadConfig(shape, { PORT: '3000', ROUTED_FILE: join(dir, 'missing') })).toThrow(new RegExp(`ROUTED_FILE: cannot read ${join(dir, 'missing')}: ENOENT`));
  });
});

describe('kafkaConnectionOf', () => {
  it('connects with SASL/SCRAM-SHA-512 as the configured principal', () => {
    const config = loadConfig(serviceConfigShape, { PORT: '3000', KAFKA_BROKERS: 'kafka:9092', KAFKA_USERNAME: 'municipal-register.03404000', KAFKA_PASSWORD: 'secret' });
    expect(kafkaConnectionOf(config)).toEqual({ brokers: ['kafka:9092'], sasl: { mechanism: 'scram-sha-512', username: 'municipal-register.03404000', password: 'secret' } });
  });

  it('connects without SASL when neither username nor password is set, and refuses one without the other', () => {
    expect(loadKafkaConnection({ KAFKA_BROKERS: 'kafka:9092' })).toEqual({ brokers: ['kafka:9092'] });
    expect(() => loadKafkaConnection({ KAFKA_USERNAME: 'replay' })).toThrow(/KAFKA_USERNAME, KAFKA_PASSWORD: give both or neither/);
    expect(() => loadKafkaConnection({ KAFKA_USERNAME: 'replay', KAFKA_PASSWORD: 'x', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('hands a connection on to a child process unchanged', () => {
    const connection = { brokers: ['a:1', 'b:2'], sasl: { mechanism: 'scram-sha-512' as const, username: 'replay', password: 'p' } };
    expect(loadKafkaConnection(kafkaEnvironmentOf(connection))).toEqual(connection);
  });
});
