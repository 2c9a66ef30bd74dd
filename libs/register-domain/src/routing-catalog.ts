import { isEventType, type EventType } from './event-type';
import type { RegisterKind } from './registers';

/**
 * One permitted transfer: which payload fields of an event type a recipient register may receive,
 * under which legal basis and for which purpose. Fields are top-level payload fields (an address
 * counts as one field). The envelope is always passed on: it names sender, subject and legal basis.
 */
export interface Route {
  recipient: RegisterKind;
  eventType: EventType;
  fields: readonly string[];
  legalBasis: string;
  purpose: string;
  /** The basis covers only events whose payload `field` has one of these values; for the others there is no transfer. */
  onlyWhen?: { field: string; oneOf: readonly string[] };
}

const LANDESMELDEREGISTER_BASIS = '§ 55 Abs. 3 BMG i. V. m. Landesrecht (Ausführungsgesetz zum BMG)';
const LANDESMELDEREGISTER_PURPOSE = "keep the Land's central residents data (zentraler Meldedatenbestand) current";

/**
 * The routing catalog, reviewed like code. A transfer not listed here has no legal basis and does not
 * happen; a field not listed for its route is dropped before it reaches the recipient's store.
 */
const ERASURE_FIELDS = ['reason', 'requestedBy'];
const ERASURE_BASIS = 'Art. 17 Abs. 1, Art. 19 DSGVO (Mitteilungspflicht an die Empfänger), § 14 Abs. 1 BMG';

export const ROUTING_CATALOG: readonly Route[] = [
  // An erasure reaches every register that holds the person (delivery-routing.ts), and the BZSt, which holds every IdNr:
  // each deletes its rows and the keys of the person's events. Why and who erased (the IdNr is the subject), nothing else.
  ...(['MELDEREGISTER', 'LANDESMELDEREGISTER', 'IDNR_BASISDATEN'] as const).map(
    (recipient): Route => ({
      recipient,
      eventType: 'PersonErased',
      fields: ERASURE_FIELDS,
      legalBasis: ERASURE_BASIS,
      purpose: 'the Meldebehörde erased the person: delete every row and key of theirs (crypto-shredding)',
    }),
  ),
  // A register listing the person as a parcel's owner: the roll removes them, the cadastre keeps them by law but no
  // longer transfers them (retention catalog: what an erasure does to a list of persons).
  ...(['GRUNDSTEUER', 'LIEGENSCHAFTSKATASTER'] as const).map(
    (recipient): Route => ({
      recipient,
      eventType: 'PersonErased',
      fields: ERASURE_FIELDS,
      legalBasis: ERASURE_BASIS,
      purpose: 'the Meldebehörde erased an owner of a parcel: remove their IdNr from the list of owners, or keep it untransferred where the law requires',
    }),
  ),
  // Melderegister (residents register) of a municipality.
  {
    recipient: 'MELDEREGISTER',
    eventType: 'BirthRecorded',
    // No parentIdnrs: § 3 Abs. 1 Nr. 9 BMG lists what is stored about the legal representatives, and
    // the IdNr is not among it.
    fields: ['birthRegistrationId', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'placeOfBirth', 'residence'],
    legalBasis: '§ 57 PStV',
    purpose: 'Mitteilung des Standesamts an die Meldebehörde: register the newborn at the residence of the parents',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'NameChanged',
    // No reason: the Melderegister keeps names, former names and marital status (§ 3 Abs. 1 BMG), not why they changed.
    fields: ['idnr', 'familyName', 'givenNames', 'previousFamilyName', 'maritalStatus', 'effectiveOn'],
    legalBasis: '§ 57 PStV',
    purpose: 'Mitteilung des Standesamts an die Meldebehörde: update names and marital status of the resident',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'DeathRecorded',
    // Offered to every Melderegister (relevance.ts): a former residence cannot be told from the event. Applied only
    // where the register holds the IdNr (current or former resident, whose data it keeps under § 14 BMG), and only
    // then logged; a register that never held the person stores nothing about them.
    fields: ['idnr', 'dateOfDeath', 'placeOfDeath'],
    legalBasis: '§ 57 PStV; for a former residence § 6 Abs. 1 BMG',
    purpose:
      'Mitteilung des Standesamts an die Meldebehörde: record date and place of death (§ 3 Abs. 1 BMG); a former ' +
      'residence keeps its register correct, so it refuses any later registration or Rückmeldung of the deceased',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'ResidenceRegistered',
    // The Rückmeldung carries the data of § 3 Abs. 1 Nr. 1 bis 18 BMG, the addresses marked as Haupt- or Nebenwohnung
    // included (§ 6 Abs. 1 Nr. 11 1. BMeldDÜV), so dwellingStatus too.
    fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'address', 'movedInOn', 'previousAddress', 'dwellingStatus'],
    legalBasis: '§ 33 Abs. 1 BMG',
    purpose: 'Rückmeldung: the municipality moved away from marks the person as moved out',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'MovedOut',
    fields: ['idnr', 'movedOutOn', 'fromMunicipalityKey', 'toMunicipalityKey'],
    legalBasis: '§ 33 Abs. 1 BMG',
    purpose:
      'Rückmeldung answered: the previous Meldebehörde confirms the move out after passing on any information block, ' +
      'so the new one knows whether the new address is blocked',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'IdNrAssigned',
    fields: ['birthRegistrationId', 'idnr', 'requestingMunicipalityKey'],
    legalBasis: '§ 139b Abs. 6 Satz 4 AO',
    purpose: 'the BZSt tells the requesting Meldebehörde the assigned IdNr for storage in the Melderegister',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'InformationBlockSet',
    // Offered to every other Melderegister (relevance.ts), applied only where the register holds the IdNr: the former
    // residences, whose records name the municipality moved to, and after a move the new one, which gets the block
    // from the previous Meldebehörde as its answer to the Rückmeldung (residents.service.ts).
    fields: ['idnr', 'blockKind', 'validUntil'],
    legalBasis: '§ 33 Abs. 1 BMG i. V. m. § 3 Abs. 1 BMG (Auskunftssperren nach § 51, bedingte Sperrvermerke nach § 52)',
    purpose: 'Rückmeldung: a block passes to every Meldebehörde that holds the person, so no register holds their address without it',
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'InformationBlockLifted',
    fields: ['idnr', 'blockKind'],
    legalBasis: '§ 33 Abs. 1 BMG i. V. m. § 3 Abs. 1 BMG (Auskunftssperren nach § 51, bedingte Sperrvermerke nach § 52)',
    purpose: 'a lifted block is lifted in every Melderegister that holds the person',
  },
  // No route IdNrAssigned → PERSONENSTANDSREGISTER: the BZSt answers the requesting Meldebehörde only. The Meldebehörde
  // passes the IdNr to the Standesamt of its own municipality, which recorded the birth, inside the same instance
  // (one Verwaltungseinheit, § 37 BMG; apps/municipal-register/src/civil-status/birth-record-idnr.ts), as it passes
  // the resident's data for a name change or a death.

  // Landesmelderegister: the Land's mirror of the residents of its municipalities.
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'ResidenceRegistered',
    // dwellingStatus: the Land's central data set holds what the Melderegister stores, addresses "gekennzeichnet nach
    // Haupt- und Nebenwohnung" (§ 3 Abs. 1 Nr. 12 BMG) included.
    fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'address', 'movedInOn', 'previousAddress', 'dwellingStatus'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: move in`,
  },
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'MovedOut',
    fields: ['idnr', 'movedOutOn', 'fromMunicipalityKey', 'toMunicipalityKey'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: move out`,
  },
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'NameChanged',
    fields: ['idnr', 'familyName', 'givenNames', 'previousFamilyName', 'maritalStatus', 'effectiveOn'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: names and marital status`,
  },
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'DeathRecorded',
    // Offered to every Land (relevance.ts): the person may have lived in any. Applied only where the mirror holds the
    // IdNr (resident or moved away), and only then logged; no deceased marker is kept for persons the Land never held
    // (data minimisation, Art. 5 Abs. 1 lit. c DSGVO): the BZSt, which holds every IdNr, refuses their registration.
    // No placeOfDeath: the Land's mirror keeps the date of death only (StateResident).
    fields: ['idnr', 'dateOfDeath'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: death of a current or former resident, final in the mirror`,
  },
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'InformationBlockSet',
    fields: ['idnr', 'blockKind', 'validUntil'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    // Offered to every Land (relevance.ts), applied where the mirror holds the IdNr: after a move into another Land the
    // previous Meldebehörde passes the block on with its answer to the Rückmeldung, and the new Land must hold it too.
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: information blocks (§§ 51, 52 BMG) must hold in the mirror too`,
  },
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'InformationBlockLifted',
    fields: ['idnr', 'blockKind'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: information blocks (§§ 51, 52 BMG)`,
  },

  // IdNr base data at the BZSt (§ 139b Abs. 3 AO, § 4 IDNrG): only base data, no previous address,
  // no place of death, no reason for a name change.
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'IdNrRequested',
    fields: [
      'birthRegistrationId',
      'familyName',
      'givenNames',
      'sex',
      'dateOfBirth',
      'placeOfBirth',
      'address',
      'requestingMunicipalityKey',
    ],
    legalBasis: '§ 139b Abs. 7 AO, § 9 Abs. 1 2. BMeldDÜV',
    purpose: 'assign an IdNr to a newborn; birthRegistrationId serves as the Vorläufiges Bearbeitungsmerkmal',
  },
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'ResidenceRegistered',
    // § 139b Abs. 6 Satz 1 AO: the Meldebehörden report only residents "mit alleiniger Wohnung oder Hauptwohnung" and
    // only "die gegenwärtige Anschrift der alleinigen Wohnung oder der Hauptwohnung" (Nr. 8); Abs. 8 their changes. So the
    // BZSt gets the Hauptwohnung's registration, not a Nebenwohnung's, and no dwellingStatus: it is not base data
    // (§ 139b Abs. 3 AO), and every address the BZSt receives is the Hauptwohnung.
    onlyWhen: { field: 'dwellingStatus', oneOf: ['HAUPTWOHNUNG'] },
    fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'address', 'movedInOn'],
    legalBasis: '§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV',
    purpose: 'keep the current address and move-in date of the IdNr base data current (§ 4 Abs. 2 IDNrG)',
  },
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'NameChanged',
    fields: ['idnr', 'familyName', 'givenNames', 'previousFamilyName'],
    legalBasis: '§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV',
    purpose: 'keep names and former names of the IdNr base data current (§ 4 Abs. 2 IDNrG)',
  },
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'DeathRecorded',
    fields: ['idnr', 'dateOfDeath'],
    legalBasis: '§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV',
    purpose: 'record the Sterbetag in the IdNr base data (§ 4 Abs. 2 IDNrG)',
  },

  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'InformationBlockSet',
    // The BZSt stores "Auskunftssperren nach dem Bundesmeldegesetz" with the base data (§ 139b Abs. 6 Satz 1 Nr. 10 AO)
    // and the Meldebehörden report their changes (§ 139b Abs. 8 AO); the block follows the IdNr through every move.
    fields: ['idnr', 'blockKind', 'validUntil'],
    legalBasis: '§ 139b Abs. 6 Satz 1 Nr. 10, Abs. 8 AO',
    purpose: 'keep the Auskunftssperren of the IdNr base data current, so the BZSt refuses the address as the Meldebehörde does',
  },
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'InformationBlockLifted',
    fields: ['idnr', 'blockKind'],
    legalBasis: '§ 139b Abs. 6 Satz 1 Nr. 10, Abs. 8 AO',
    purpose: 'keep the Auskunftssperren of the IdNr base data current',
  },

  // Drift repair (Berichtigung): an authoritative register restates its current data of a subject on an operator's
  // request. The same recipients, fields and legal basis as the flow that keeps the replica current, plus who asked.
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'ResidenceRestated',
    fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'address', 'movedInOn', 'dwellingStatus', 'requestedBy'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: repair of the mirror with the Melderegister's current registration`,
  },
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'ResidenceRestated',
    onlyWhen: { field: 'dwellingStatus', oneOf: ['HAUPTWOHNUNG'] },
    fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'address', 'movedInOn', 'requestedBy'],
    legalBasis: '§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV',
    purpose: "repair of the IdNr base data with the Melderegister's current registration (§ 4 Abs. 2 IDNrG)",
  },
  {
    recipient: 'MELDEREGISTER',
    eventType: 'NamesRestated',
    fields: ['idnr', 'familyName', 'givenNames', 'requestedBy'],
    legalBasis: '§ 57 PStV',
    purpose: "Mitteilung des Standesamts an die Meldebehörde: repair of the resident's names with the Standesamt's current record",
  },
  {
    recipient: 'LANDESMELDEREGISTER',
    eventType: 'NamesRestated',
    fields: ['idnr', 'familyName', 'givenNames', 'requestedBy'],
    legalBasis: LANDESMELDEREGISTER_BASIS,
    purpose: `${LANDESMELDEREGISTER_PURPOSE}: repair of the names with the Standesamt's current record`,
  },
  {
    recipient: 'IDNR_BASISDATEN',
    eventType: 'NamesRestated',
    fields: ['idnr', 'familyName', 'givenNames', 'requestedBy'],
    legalBasis: '§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV',
    purpose: "repair of the names of the IdNr base data with the Standesamt's current record (§ 4 Abs. 2 IDNrG)",
  },
  {
    recipient: 'GRUNDSTEUER',
    eventType: 'ParcelRestated',
    fields: ['parcelId', 'municipalityKey', 'areaSquareMetres', 'usage', 'ownerIdnrs', 'requestedBy'],
    legalBasis: '§ 229 Abs. 3 BewG',
    purpose: "repair of the property-tax roll with the cadastre's current parcel facts, so no owner has to declare them",
  },

  // Grundsteuer: the municipal property-tax roll; owner IdNrs but no names.
  {
    recipient: 'GRUNDSTEUER',
    eventType: 'ParcelRecorded',
    fields: ['parcelId', 'municipalityKey', 'areaSquareMetres', 'usage', 'ownerIdnrs'],
    legalBasis: '§ 229 Abs. 3 BewG',
    purpose:
      'the cadastre reports parcel facts relevant for the Grundsteuer, so no owner has to declare them ' +
      '(in today\'s law to the Finanzamt, which passes the Messbetrag on to the municipality, § 184 Abs. 3 AO)',
  },
  {
    recipient: 'GRUNDSTEUER',
    eventType: 'ParcelChanged',
    fields: ['parcelId', 'municipalityKey', 'areaSquareMetres', 'usage', 'ownerIdnrs', 'changeReason'],
    legalBasis: '§ 229 Abs. 3 BewG',
    purpose:
      'the cadastre reports parcel changes relevant for the Grundsteuer, so no owner has to declare them ' +
      '(in today\'s law to the Finanzamt, which passes the Messbetrag on to the municipality, § 184 Abs. 3 AO)',
  },
  {
    recipient: 'GRUNDSTEUER',
    eventType: 'ParcelLeftMunicipality',
    // No owners, area or usage: the municipality the parcel left only has to drop it from its roll.
    fields: ['parcelId', 'fromMunicipalityKey', 'toMunicipalityKey', 'changeReason'],
    legalBasis: '§ 229 Abs. 3 BewG',
    purpose: 'the cadastre reports that a parcel left the municipality, so its roll stops taxing it (the new one taxes it)',
  },
];

export interface Projection {
  /** A copy holding only the fields the route allows (plus the envelope, if the input had one). */
  payload: Record<string, unknown>;
  /** Fields present in the input that the recipient has no basis to receive. */
  droppedFields: string[];
  route: Route;
}

export function routeFor(recipient: RegisterKind, eventType: string): Route | undefined {
  if (!isEventType(eventType)) return undefined;
  return ROUTING_CATALOG.find((route) => route.recipient === recipient && route.eventType === eventType);
}

/**
 * Whether the route's basis covers this event (a route `onlyWhen` covers only the events it names). The router decides
 * it on the whole event; a delivery cut to the route's fields may no longer carry the field (the BZSt gets no
 * dwellingStatus), and then the router's decision stands, as for the content rules of a field a route left out.
 */
export function routeCovers(route: Route, payload: Record<string, unknown>): boolean {
  if (route.onlyWhen === undefined || !(route.onlyWhen.field in payload)) return true;
  return route.onlyWhen.oneOf.includes(payload[route.onlyWhen.field] as string);
}

/**
 * What the recipient may receive of this event; undefined when there is no basis at all, and then the
 * recipient must not receive the event.
 */
export function projectForRecipient(
  recipient: RegisterKind,
  eventType: string,
  payload: Record<string, unknown>,
): Projection | undefined {
  const route = routeFor(recipient, eventType);
  if (!route || !routeCovers(route, payload)) return undefined;
  const projected: Record<string, unknown> = {};
  const droppedFields: string[] = [];
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'envelope' || route.fields.includes(field)) projected[field] = value;
    else droppedFields.push(field);
  }
  return { payload: projected, droppedFields, route };
}
