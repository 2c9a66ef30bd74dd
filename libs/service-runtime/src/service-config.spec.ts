import { z } from 'zod';
import { ConfigError, loadConfig, serviceConfigShape } from './service-config';

describe('loadConfig', () => {
  it('applies the local defaults and splits the broker list', () => {
    const config = loadConfig(serviceConfigShape, { PORT: '3000', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094' });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('names every invalid setting at once', () => {
    const shape = { ...serviceConfigShape, INSTANCE_KEY: z.string().regex(/^\d{8}$/, 'must be an 8-digit AGS') };
    expect(() => loadConfig(shape, { PORT: 'eighty', INSTANCE_KEY: '123' })).toThrow(ConfigError);
    expect(() => loadConfig(shape, { PORT: 'eighty', INSTANCE_KEY: '123' })).toThrow(/PORT: .*\n.*INSTANCE_KEY: must be an 8-digit AGS/);
  });
});
