import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { isFetchBadPort } from './fetch-bad-ports';

describe('isFetchBadPort', () => {
  it('names the ports fetch refuses, among them ones the local stack could land on with a port offset', () => {
    expect([4045, 4190, 5060, 6000].every(isFetchBadPort)).toBe(true);
    expect([3000, 3100, 4000, 8081].some(isFetchBadPort)).toBe(false);
  });

  it('matches what Node’s fetch does: a bad port fails before any connection, another port is reached', async () => {
    await expect(fetch('http://127.0.0.1:4190/')).rejects.toMatchObject({ cause: { message: 'bad port' } });
    const server = createServer((_, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(isFetchBadPort(port)).toBe(false);
      await expect((await fetch(`http://127.0.0.1:${port}/`)).text()).resolves.toBe('ok');
    } finally {
      server.close();
    }
  });
});
