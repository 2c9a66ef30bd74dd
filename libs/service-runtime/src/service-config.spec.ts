import { z } from 'zod';
import { ConfigError, loadConfig, serviceConfigShape } from './service-config';

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
