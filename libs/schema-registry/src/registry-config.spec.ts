import { ConfigError } from '@regsync/service-runtime/service-config';
import { loadSchemaRegistryConfig } from './registry-config';

describe('schema registry config', () => {
  it('reads the writers and the read-only users; a password may contain a colon', () => {
    const config = loadSchemaRegistryConfig({ BASIC_AUTH_USERS: 'regsync-services:0123456789abcdef:x, dashboard:fedcba9876543210', READ_ONLY_USERS: 'dashboard' });
    expect(config.BASIC_AUTH_USERS).toEqual({ 'regsync-services': '0123456789abcdef:x', dashboard: 'fedcba9876543210' });
    expect(config.READ_ONLY_USERS).toEqual(['dashboard']);
  });

  it('refuses to start without a writer, or with a short password', () => {
    expect(() => loadSchemaRegistryConfig({})).toThrow(ConfigError);
    expect(() => loadSchemaRegistryConfig({})).toThrow(/BASIC_AUTH_USERS/);
    expect(() => loadSchemaRegistryConfig({ BASIC_AUTH_USERS: 'svc:short' })).toThrow(/"svc" is not user:password with a password of at least 16 characters/);
  });
});
