import { actingAgencyKeysOf } from './hosted-authorities';

describe('actingAgencyKeysOf', () => {
  it('leaves out the agencies that may only read, so they cannot decide on an ops endpoint', () => {
    const keys = { 'buergeramt-osnabrueck': 'local-os-key', 'regsync-cockpit': 'cockpit-key-1' };
    expect(actingAgencyKeysOf({ AGENCY_API_KEYS: keys, READ_ONLY_AGENCIES: ['regsync-cockpit'] })).toEqual({ 'buergeramt-osnabrueck': 'local-os-key' });
    expect(actingAgencyKeysOf({ AGENCY_API_KEYS: keys, READ_ONLY_AGENCIES: [] })).toEqual(keys);
  });
});
