import { loadRouterConfig } from './config';

describe('router config', () => {
  it('reads the routed instances of the topology, each with its level and instance key', () => {
    const config = loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'FEDERAL:DE, STATE:03,MUNICIPAL:03404000' });
    expect(config.ROUTED_INSTANCES).toEqual([
      { level: 'FEDERAL', instanceKey: 'DE' },
      { level: 'STATE', instanceKey: '03' },
      { level: 'MUNICIPAL', instanceKey: '03404000' },
    ]);
    expect(config.INSTANCE_KEY).toBe('main');
  });

  it('refuses an instance key that does not fit its level, naming the entry and the rule', () => {
    expect(() => loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'STATE:03,MUNICIPAL:0340' })).toThrow('ROUTED_INSTANCES: "MUNICIPAL:0340": a municipal instance key must be an AGS (8 digits)');
    expect(() => loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'COUNTY:12' })).toThrow(/"COUNTY:12": unknown administrative level COUNTY/);
    expect(() => loadRouterConfig({ PORT: '3010' })).toThrow(/ROUTED_INSTANCES/);
  });
});
