import type { EventType } from '../event-type';

/** The norm each authoritative register relies on when it publishes an event (`envelope.legalBasis`). */
export const SENDER_LEGAL_BASIS: Readonly<Record<EventType, string>> = {
  BirthRecorded: '§ 57 PStV (Mitteilung an die Meldebehörde)',
  NameChanged: '§ 57 PStV (Mitteilung an die Meldebehörde)',
  DeathRecorded: '§ 57 PStV (Mitteilung an die Meldebehörde)',
  IdNrRequested: '§ 139b Abs. 6 AO',
  IdNrAssigned: '§ 139b Abs. 6 Satz 4 AO',
  ResidenceRegistered: '§ 17 Abs. 1 BMG (Anmeldung), § 33 BMG (Datenübermittlungen zwischen Meldebehörden)',
  MovedOut: '§ 33 Abs. 1 BMG (Rückmeldung)',
  InformationBlockSet: '§§ 51, 52 BMG',
  InformationBlockLifted: '§§ 51, 52 BMG',
  ParcelRecorded: '§ 229 Abs. 3 BewG',
  ParcelChanged: '§ 229 Abs. 3 BewG',
  ParcelLeftMunicipality: '§ 229 Abs. 3 BewG',
  PropertyTaxBaseChanged: '§ 229 Abs. 3 BewG, GrStG',
  ResidenceRestated: '§ 33 BMG, § 55 Abs. 3 BMG, § 139b Abs. 8 AO (Berichtigung: the current registration, restated on request)',
  ParcelRestated: '§ 229 Abs. 3 BewG (Berichtigung: the current tax base, restated on request)',
  PersonErased: 'Art. 17 Abs. 1 DSGVO, § 14 BMG (Löschung), Art. 19 DSGVO (Mitteilung an die Empfänger)',
  NamesRestated: '§ 57 PStV (Mitteilung an die Meldebehörde; Berichtigung: the current names, restated on request)',
};
