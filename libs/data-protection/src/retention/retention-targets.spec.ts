import { RETENTION_CATALOG } from '@regsync/register-domain/retention-catalog';
import { PERSON_RECORD_DEPENDENTS, RETENTION_TARGETS } from './retention-targets';

describe('retention targets', () => {
  it('tells the job where every table the catalog deletes by time records the start of its period, and nothing more', () => {
    const deletedByTime = RETENTION_CATALOG.filter((rule) => rule.retention.kind === 'timed' && rule.retention.disposal === 'delete').map((rule) => rule.table);
    expect(Object.keys(RETENTION_TARGETS).sort()).toEqual([...new Set(deletedByTime)].sort());
  });

  it('finds the rows of every record kept with the person’s record by its IdNr', () => {
    const withPerson = RETENTION_CATALOG.filter((rule) => rule.retention.kind === 'with-person-record').map((rule) => rule.table);
    expect(Object.keys(PERSON_RECORD_DEPENDENTS).sort()).toEqual([...new Set(withPerson)].sort());
  });
});
