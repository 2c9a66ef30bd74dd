import { loadRouterConfig } from './config';

describe('router config', () => {
  it('reads the routed instances of the topology, each with its level and instance key', () => {
    const config = loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'FEDERAL:DE, STATE:03,MUNICIPAL:03404000' });
    expect(config.ROUTED_INSTANCES).toEqual([
      { level: 'FEDERAL', instanceKey: 'DE', provider: 'DE' },
      { level: 'STATE', instanceKey: '03', provider: '03' },
      { level: 'MUNICIPAL', instanceKey: '03404000', provider: '03404000' },
    ]);
    expect(config.INSTANCE_KEY).toBe('main');
  });

  it('reads the provider process that hosts an instance after its "@"', () => {
    const config = loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'MUNICIPAL:14612000@sachsen1,MUNICIPAL:14713000@sachsen1,STATE:14' });
    expect(config.ROUTED_INSTANCES).toEqual([
      { level: 'MUNICIPAL', instanceKey: '14612000', provider: 'sachsen1' },
      { level: 'MUNICIPAL', instanceKey: '14713000', provider: 'sachsen1' },
      { level: 'STATE', instanceKey: '14', provider: '14' },
    ]);
    expect(() => loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'MUNICIPAL:14612000@sachsen.1' })).toThrow('"MUNICIPAL:14612000@sachsen.1": provider "sachsen.1": only letters and digits, at most 14');
    expect(() => loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'MUNICIPAL:14612000@a@b' })).toThrow('has more than one "@"');
  });

  it('refuses an instance key that does not fit its level, naming the entry and the rule', () => {
    expect(() => loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'STATE:03,MUNICIPAL:0340' })).toThrow('ROUTED_INSTANCES: "MUNICIPAL:0340": a municipal instance key must be an AGS (8 digits)');
    expect(() => loadRouterConfig({ PORT: '3010', ROUTED_INSTANCES: 'COUNTY:12' })).toThrow(/"COUNTY:12": unknown administrative level COUNTY/);
    expect(() => loadRouterConfig({ PORT: '3010' })).toThrow(/ROUTED_INSTANCES/);
  });
});
