import type { RegisterRestatement } from '@regsync/data-protection/register-restatements';
import { parseCalendarDate } from '@regsync/register-domain/calendar-date';
import type { Resident } from '@regsync/register-domain/register-rules';
import { CURRENT_RESIDENTS } from './residents.drift';

/** A current resident's registration, as the Melderegister keeps it (dates YYYY-MM-DD). */
type CurrentResidence = Pick<Resident, 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'address' | 'movedInOn' | 'dwellingStatus'> & { idnr: string };

/** Drift repair of `person.residence`: the Melderegister restates the current registration of its residents. */
export const residenceRestatement: RegisterRestatement<CurrentResidence, 'ResidenceRestated'> = {
  dataset: 'person.residence',
  eventType: 'ResidenceRestated',
  register: 'MELDEREGISTER',
  subjectKind: 'PERSON',
  heldSql: `select authority_key, idnr as subject_id from residents where idnr = any($1::text[]) and ${CURRENT_RESIDENTS}`,
  // Locked, so a registration committing meanwhile goes out after the restatement, with the next subject version.
  currentSql: `
    select idnr, family_name as "familyName", given_names as "givenNames", sex, to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth",
           address, to_char(moved_in_on, 'YYYY-MM-DD') as "movedInOn", dwelling_status as "dwellingStatus"
      from residents
     where idnr = any($1::text[]) and ${CURRENT_RESIDENTS}
     order by idnr
       for update`,
  subjectOf: (residence) => residence.idnr,
  payloadOf: (residence) => ({ ...residence, dateOfBirth: parseCalendarDate(residence.dateOfBirth), movedInOn: parseCalendarDate(residence.movedInOn) }),
};
