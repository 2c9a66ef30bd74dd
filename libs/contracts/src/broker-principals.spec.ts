import { brokerPrincipalsOf, registerProcessesOf } from './broker-principals';

describe('the register processes and principals of a topology', () => {
  const instances = ['14612000', '14713000', '03404000'].map((instanceKey) => ({ app: 'municipal-register', instanceKey })).concat([{ app: 'state-register', instanceKey: '14' }]);

  it('runs an instance no provider hosts as a process of its own, and a provider as one process for all it hosts', () => {
    const processes = registerProcessesOf({ instances, providers: [{ id: 'kommunal1', app: 'municipal-register', authorities: ['14612000', '14713000'] }] });
    expect(processes.map(({ app, instanceKey, hosts }) => `${app} ${instanceKey}: ${hosts.map((host) => host.instanceKey).join(',')}`)).toEqual([
      'municipal-register 03404000: 03404000',
      'state-register 14: 14',
      'municipal-register kommunal1: 14612000,14713000',
    ]);
  });

  it('gives a provider one principal, and the authorities it hosts none of their own', () => {
    const principals = brokerPrincipalsOf({ instances, providers: [{ id: 'kommunal1', app: 'municipal-register', authorities: ['14612000', '14713000'] }] });
    expect(principals).toContain('municipal-register.kommunal1');
    expect(principals).not.toContain('municipal-register.14612000');
    expect(brokerPrincipalsOf({ instances })).toContain('municipal-register.14612000');
  });

  it('refuses an authority hosted twice or one the topology does not have', () => {
    const twice = [
      { id: 'kommunal1', app: 'municipal-register', authorities: ['14612000'] },
      { id: 'kommunal2', app: 'municipal-register', authorities: ['14612000'] },
    ];
    expect(() => registerProcessesOf({ instances, providers: twice })).toThrow('topology: municipal-register 14612000 is hosted by both kommunal1 and kommunal2');
    expect(() => registerProcessesOf({ instances, providers: [{ id: 'kommunal1', app: 'municipal-register', authorities: ['09162000'] }] })).toThrow('no instance of the topology');
  });
});
