import type { RegisterRestatement } from '@regsync/data-protection/register-restatements';
import { CERTIFIED_NAMES, CERTIFIED_PERSONS } from './civil-status.drift';

type CertifiedNames = {
  subject_id: string;
  family_name: string;
  given_names: string;
};

/** Drift repair of `person.names`: the Standesamt restates the current names of the persons it certifies. */
export const namesRestatement: RegisterRestatement<CertifiedNames, 'NamesRestated'> = {
  dataset: 'person.names',
  eventType: 'NamesRestated',
  register: 'PERSONENSTANDSREGISTER',
  subjectKind: 'PERSON',
  heldSql: `select r.authority_key, r.idnr as subject_id from residents r where r.idnr = any($1::text[]) and ${CERTIFIED_PERSONS}`,
  currentSql: `select * from (${CERTIFIED_NAMES}) certified where subject_id = any($1::text[]) order by subject_id`,
  subjectOf: (names) => names.subject_id,
  payloadOf: (names) => ({ idnr: names.subject_id, familyName: names.family_name, givenNames: names.given_names }),
};
