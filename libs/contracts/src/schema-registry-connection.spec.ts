import { basicAuthorization, registryUrlWithCredential, schemaRegistryConnectionOf, schemaRegistryUrlProblem } from './schema-registry-connection';

describe('schema registry connection', () => {
  it('takes the credentials out of the URL, so the address it shows has none', () => {
    expect(schemaRegistryConnectionOf('http://regsync-services:s3cr3t@registry.regsync.svc:8081')).toEqual({
      url: 'http://registry.regsync.svc:8081',
      auth: { username: 'regsync-services', password: 's3cr3t' },
    });
    expect(schemaRegistryConnectionOf('http://127.0.0.1:8081/')).toEqual({ url: 'http://127.0.0.1:8081', auth: undefined });
  });

  it('round-trips a password with characters that must be percent-encoded', () => {
    const credential = { username: 'svc', password: 'a:b@c/d%e f' };
    const url = registryUrlWithCredential('https://sr.example:8081', credential);
    expect(url).not.toContain('a:b@c');
    expect(schemaRegistryConnectionOf(url)).toEqual({ url: 'https://sr.example:8081', auth: credential });
  });

  it('names what makes a registry URL unusable', () => {
    expect(schemaRegistryUrlProblem('http://svc:pw@127.0.0.1:8081')).toBeUndefined();
    expect(schemaRegistryUrlProblem('ftp://127.0.0.1')).toBe('must be an http(s) URL');
    expect(schemaRegistryUrlProblem('registry:8081')).toBe('must be an http(s) URL');
    expect(schemaRegistryUrlProblem('http://svc@127.0.0.1:8081')).toMatch(/both user and password/);
  });

  it('builds the basic Authorization header', () => {
    expect(basicAuthorization({ username: 'svc', password: 'pw' })).toBe(`Basic ${Buffer.from('svc:pw').toString('base64')}`);
  });
});
