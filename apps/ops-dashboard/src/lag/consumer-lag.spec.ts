import { randomUUID } from 'node:crypto';
import { keyRingGroupPrefixOf } from '@regsync/messaging/crypto-shredding';
import { lagGroupsOf } from './consumer-lag.service';

describe('the consumer groups the lag table shows', () => {
  it("leaves out every service's key ring groups and the dashboard's readers, and keeps the namespace's groups sorted", () => {
    const groups = [
      'ns.regsync.state-register.03',
      `${keyRingGroupPrefixOf('ns.regsync.state-register.03')}${randomUUID()}`,
      `${keyRingGroupPrefixOf('ns.regsync.router.main')}${randomUUID()}`,
      `${keyRingGroupPrefixOf('ns.regsync-replay')}${randomUUID()}`,
      'ns.regsync.router.main',
      'ns.ops-dashboard.tail',
      'other.regsync.router.main',
    ];
    expect(lagGroupsOf(groups, 'ns.')).toEqual(['ns.regsync.router.main', 'ns.regsync.state-register.03']);
  });

  it('keeps a group that merely ends in .keys or names keys without a UUID', () => {
    expect(lagGroupsOf(['ns.regsync.keys', 'ns.regsync.municipal-register.keys.main'], 'ns.')).toEqual(['ns.regsync.keys', 'ns.regsync.municipal-register.keys.main']);
  });
});
