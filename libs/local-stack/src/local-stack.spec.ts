import { LocalStack, loadTopology, randomPortOffset } from './local-stack';
import { isFetchBadPort } from './fetch-bad-ports';

const options = { kafkaBrokers: '127.0.0.1:9092', databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres' };

describe('LocalStack ports', () => {
  it('refuses a port offset that would put a service where fetch never connects (the federal register on 4190)', () => {
    expect(() => new LocalStack({ ...options, portOffset: 1090 })).toThrow(/4190, which fetch clients refuse to connect to/);
  });

  it('picks only offsets whose every port fetch can reach, also where the range holds bad ones', () => {
    const topology = loadTopology();
    const ports = [topology.schemaRegistry.port, topology.opsDashboard.port, topology.router.port, ...topology.instances.map((instance) => instance.port)];
    for (let run = 0; run < 200; run++) {
      const offset = randomPortOffset(1000, 20);
      expect(offset % 10).toBe(0);
      expect(ports.map((port) => port + offset).filter(isFetchBadPort)).toEqual([]);
    }
    expect(() => new LocalStack({ ...options, portOffset: randomPortOffset(1000, 20) })).not.toThrow();
  });
});
