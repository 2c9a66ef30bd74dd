import { tallyFanOut } from './fan-out-tally';

describe('tallyFanOut', () => {
  const record = (topic: string, eventId: string, eventType: string, correlationId = 'move') => ({ topic, eventId, eventType, correlationId });

  it('counts per action and event type the router reads, the deliveries and their recipients, decodes and inbox writes', () => {
    const costs = tallyFanOut(
      [{ action: 'move', correlationId: 'move', decodesByType: new Map([['ResidenceRegistered', 3]]) }],
      [record('out.dresden', 'e1', 'ResidenceRegistered'), record('out.dresden', 'x', 'ResidenceRegistered', 'other action')],
      [
        { ...record('deliveries.osnabrueck', 'e1', 'ResidenceRegistered'), recipient: 'municipal 03404000' },
        { ...record('deliveries.sachsen', 'e1', 'ResidenceRegistered'), recipient: 'state 14' },
        { ...record('deliveries.sachsen', 'x', 'ResidenceRegistered', 'other action'), recipient: 'state 14' },
      ],
      new Map([['e1', 3], ['x', 2]]),
    );
    expect(costs).toEqual([{ action: 'move', eventType: 'ResidenceRegistered', events: 1, routerReads: 1, deliveries: 2, recipients: ['municipal 03404000', 'state 14'], decodes: 3, writeTransactions: 3 }]);
  });
});
