import { registerChecksum, RegisterRow } from './register-checksum';
import { compareRegisters, InstanceRegisters } from './register-drift';

function dataset(register: string, authoritative: boolean, rows: RegisterRow[], replicaScope: string | null = null) {
  return { dataset: 'person.residence', register, authoritative, replicaScope, ...registerChecksum(rows) };
}

const osnabrueck = { subject_id: '36574261809', scope: '03', city: 'Osnabrück' };
const dresden = { subject_id: '12345678995', scope: '14', city: 'Dresden' };

describe('compareRegisters', () => {
  it('reports a replica in sync when it holds exactly the authoritative rows of its scope', () => {
    const instances: InstanceRegisters[] = [
      { instance: 'municipal 03404000', datasets: [dataset('MELDEREGISTER', true, [osnabrueck])] },
      { instance: 'municipal 14612000', datasets: [dataset('MELDEREGISTER', true, [dresden])] },
      { instance: 'state 03', datasets: [dataset('LANDESMELDEREGISTER', false, [{ subject_id: osnabrueck.subject_id, city: 'Osnabrück' }], '03')] },
      { instance: 'federal DE', datasets: [dataset('IDNR_BASISDATEN', false, [osnabrueck, dresden])] },
    ];
    const reports = compareRegisters(instances);
    expect(reports.map((report) => [report.replica, report.inSync, report.expectedCount, report.replicaCount])).toEqual([
      ['state 03', true, 1, 1],
      ['federal DE', true, 2, 2],
    ]);
  });

  it('names the missing, unexpected and different subjects of a replica that drifted', () => {
    const instances: InstanceRegisters[] = [
      { instance: 'municipal 14612000', datasets: [dataset('MELDEREGISTER', true, [dresden, { subject_id: '98765432106', scope: '14', city: 'Dresden' }])] },
      {
        instance: 'state 14',
        datasets: [
          dataset('LANDESMELDEREGISTER', false, [{ subject_id: dresden.subject_id, city: 'Leipzig' }, { subject_id: '36574261809', city: 'Dresden' }], '14'),
        ],
      },
    ];
    const [report] = compareRegisters(instances);
    expect(report.inSync).toBe(false);
    expect(report.missing).toEqual(['98765432106']);
    expect(report.unexpected).toEqual(['36574261809']);
    expect(report.different).toEqual([dresden.subject_id]);
    expect(report.expectedChecksum).not.toBe(report.replicaChecksum);
  });

  it('gives a replica scoped to a Land every municipality of the Land, and one scoped to an AGS only its municipality', () => {
    const hannover = { subject_id: '98765432106', scope: '03241001', family_name: 'Meyer' };
    const names = (register: string, authoritative: boolean, rows: RegisterRow[], replicaScope: string | null = null) => ({ ...dataset(register, authoritative, rows, replicaScope), dataset: 'person.names' });
    const instances: InstanceRegisters[] = [
      { instance: 'municipal 03404000', datasets: [names('PERSONENSTANDSREGISTER', true, [{ subject_id: osnabrueck.subject_id, scope: '03404000', family_name: 'Schmidt' }]), names('MELDEREGISTER', false, [{ subject_id: osnabrueck.subject_id, family_name: 'Schmidt' }], '03404000')] },
      { instance: 'municipal 03241001', datasets: [names('PERSONENSTANDSREGISTER', true, [hannover])] },
      { instance: 'state 03', datasets: [names('LANDESMELDEREGISTER', false, [{ subject_id: osnabrueck.subject_id, family_name: 'Schmidt' }], '03')] },
    ];
    const reports = compareRegisters(instances);
    expect(reports.map((report) => [report.replica, report.expectedCount, report.inSync, report.missing])).toEqual([
      ['municipal 03404000', 1, true, []],
      ['state 03', 2, false, [hannover.subject_id]],
    ]);
  });

  it('reports subjects that two authoritative registers both claim', () => {
    const instances: InstanceRegisters[] = [
      { instance: 'municipal 03404000', datasets: [dataset('MELDEREGISTER', true, [osnabrueck])] },
      { instance: 'municipal 03241001', datasets: [dataset('MELDEREGISTER', true, [{ ...osnabrueck, city: 'Hannover' }])] },
      { instance: 'state 03', datasets: [dataset('LANDESMELDEREGISTER', false, [], '03')] },
    ];
    expect(compareRegisters(instances)[0].conflicting).toEqual([osnabrueck.subject_id]);
  });
});
