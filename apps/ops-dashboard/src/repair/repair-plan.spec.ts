import type { DriftReport } from '@regsync/observability/register-drift-check';
import { planRepair, subjectsIn } from './repair-plan';

const report: DriftReport = {
  dataset: 'person.residence',
  replica: 'state-register 03',
  register: 'LANDESMELDEREGISTER',
  replicaScope: '03',
  authoritativeSources: ['municipal-register 03404000 MELDEREGISTER', 'municipal-register 14612000 MELDEREGISTER'],
  expectedCount: 3,
  replicaCount: 3,
  expectedChecksum: 'a',
  replicaChecksum: 'b',
  inSync: false,
  missing: ['36574261809'],
  different: ['12345678995'],
  // moved to Dresden, still a resident in the mirror of Niedersachsen; and one nobody registered
  unexpected: ['98765432106', '11111111111'],
  conflicting: [],
};
const authoritative = new Map([
  ['36574261809', { hash: 'h1', scope: '03404000', source: 'municipal-register 03404000' }],
  ['12345678995', { hash: 'h2', scope: '03404000', source: 'municipal-register 03404000' }],
  ['98765432106', { hash: 'h3', scope: '14612000', source: 'municipal-register 14612000' }],
]);

describe('planRepair', () => {
  it('asks the authority holding each drifting subject, also one outside the replica scope, and names those nobody holds', () => {
    const plan = planRepair(report, authoritative);
    expect(Object.fromEntries(plan.byAuthority)).toEqual({
      'municipal-register 03404000': ['36574261809', '12345678995'],
      'municipal-register 14612000': ['98765432106'],
    });
    expect(plan.heldByNoAuthority).toEqual(['11111111111']);
    expect(subjectsIn(plan)).toBe(4);
  });

  it('repairs only the wanted subjects, found by id or by the masked id a viewer sees', () => {
    expect(Object.fromEntries(planRepair(report, authoritative, ['12345678995']).byAuthority)).toEqual({ 'municipal-register 03404000': ['12345678995'] });
    expect(Object.fromEntries(planRepair(report, authoritative, ['98•••••••06']).byAuthority)).toEqual({ 'municipal-register 14612000': ['98765432106'] });
  });

  it('repairs nothing that does not drift', () => {
    expect(subjectsIn(planRepair(report, authoritative, ['22222222222']))).toBe(0);
  });
});
