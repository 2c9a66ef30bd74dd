import { createHash } from 'node:crypto';
import { moveWorkload } from '../throughput/move-workload';

export interface SubjectState {
  moves: number;
  checksum: string;
}

const isoDate = (value: Date) => value.toISOString().slice(0, 10);

/** md5 of a resident row's kept fields, computed the same way in SQL (see registerState) and here. */
export function residentChecksum(fields: string[]): string {
  return createHash('md5').update(fields.join('|')).digest('hex');
}

/** What the register must hold after every move of the workload was applied exactly once, per IdNr. */
export function expectedRegisterState(count: number): Map<string, SubjectState> {
  const state = new Map<string, SubjectState>();
  for (const { idnr, payload } of moveWorkload(count)) {
    const { street, houseNumber, postalCode, city, municipalityKey } = payload.address;
    const checksum = residentChecksum([payload.familyName, payload.givenNames, payload.sex, isoDate(payload.dateOfBirth), street, houseNumber, postalCode, city, municipalityKey, isoDate(payload.movedInOn)]);
    state.set(idnr, { moves: (state.get(idnr)?.moves ?? 0) + 1, checksum });
  }
  return state;
}
