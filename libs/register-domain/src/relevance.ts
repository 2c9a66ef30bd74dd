import { agsFormatViolation } from './ags';
import type { LandCode } from './land-code';
import type { RegisterAddress, RegisterInstance, RegisterKind } from './registers';

/**
 * Which registers of this instance should apply the event; empty means the instance ignores it.
 * Pure: the consumer calls it before decoding further, the authority and routing checks come on top.
 *
 * Simplification: civil-status events are recorded by the Standesamt of the residence municipality, so a
 * municipality's Melderegister takes over NameChanged from its own Standesamt only.
 * DeathRecorded goes to every Melderegister and every Landesmelderegister: a death must be final wherever the
 * person is or was registered, and a former residence cannot be told from the event. Each register applies it
 * only if it holds the IdNr; the others write nothing to their register and so log no transfer (routing-catalog.ts).
 * The consumer's delivery bookkeeping (inbox row, subject version per sender) is still kept for every admitted event.
 * Information blocks go, like deaths, to every other Melderegister, every Landesmelderegister and the BZSt; each applies
 * one only if it holds the IdNr. A block set before a move reaches the new municipality and its Land when the previous
 * Meldebehörde passes it on with its answer to the Rückmeldung (docs/architecture.md, "Information blocks").
 */
export function recipientsOf(
  instance: RegisterInstance,
  eventType: string,
  payload: Record<string, unknown>,
  source: RegisterAddress,
): RegisterKind[] {
  switch (instance.level) {
    case 'MUNICIPAL':
      return municipalRecipients(instance.instanceKey, eventType, payload, source);
    case 'STATE':
      return stateRecipients(instance.instanceKey, eventType, payload, source);
    case 'FEDERAL':
      return FEDERAL_EVENT_TYPES.includes(eventType) ? ['IDNR_BASISDATEN'] : [];
    default:
      return [];
  }
}

const FEDERAL_EVENT_TYPES: readonly string[] = [
  'IdNrRequested',
  'ResidenceRegistered',
  'NameChanged',
  'DeathRecorded',
  'InformationBlockSet',
  'InformationBlockLifted',
  'ResidenceRestated',
  'NamesRestated',
  'PersonErased',
];

function municipalRecipients(
  ags: string,
  eventType: string,
  payload: Record<string, unknown>,
  source: RegisterAddress,
): RegisterKind[] {
  const anyStandesamt = source.level === 'MUNICIPAL' && source.register === 'PERSONENSTANDSREGISTER';
  const ownStandesamt = anyStandesamt && source.instanceKey === ags;
  switch (eventType) {
    case 'BirthRecorded':
      return municipalityKeyOf(payload.residence) === ags ? ['MELDEREGISTER'] : [];
    case 'IdNrAssigned':
      return payload.requestingMunicipalityKey === ags ? ['MELDEREGISTER'] : [];
    case 'ResidenceRegistered':
      // Rückmeldung to the municipality moved away from; the registering municipality applied it already.
      return municipalityKeyOf(payload.previousAddress) === ags && source.instanceKey !== ags ? ['MELDEREGISTER'] : [];
    case 'MovedOut':
      // The previous residence's answer to the Rückmeldung, to the municipality moved to.
      return payload.toMunicipalityKey === ags && source.instanceKey !== ags ? ['MELDEREGISTER'] : [];
    case 'NameChanged':
    case 'NamesRestated':
      return ownStandesamt ? ['MELDEREGISTER'] : [];
    case 'DeathRecorded':
      return anyStandesamt ? ['MELDEREGISTER'] : [];
    case 'InformationBlockSet':
    case 'InformationBlockLifted':
      return source.level === 'MUNICIPAL' && source.register === 'MELDEREGISTER' && source.instanceKey !== ags ? ['MELDEREGISTER'] : [];
    case 'PersonErased':
      // A roll anywhere may list the person as owner, the erasing Meldebehörde's own too: its roll was cleared in the
      // erasure's transaction, but a rebuild of the roll from its deliveries must meet the erasure after the parcels.
      if (source.level !== 'MUNICIPAL' || source.register !== 'MELDEREGISTER') return [];
      return source.instanceKey !== ags ? ['MELDEREGISTER', 'GRUNDSTEUER'] : ['GRUNDSTEUER'];
    case 'ParcelRecorded':
    case 'ParcelChanged':
    case 'ParcelRestated':
      return payload.municipalityKey === ags ? ['GRUNDSTEUER'] : [];
    case 'ParcelLeftMunicipality':
      return payload.fromMunicipalityKey === ags ? ['GRUNDSTEUER'] : [];
    default:
      return [];
  }
}

function stateRecipients(
  land: string,
  eventType: string,
  payload: Record<string, unknown>,
  source: RegisterAddress,
): RegisterKind[] {
  const concerns = (...keys: unknown[]) => keys.some((key) => landOf(key) === land);
  switch (eventType) {
    case 'ResidenceRegistered':
      return concerns(municipalityKeyOf(payload.address), municipalityKeyOf(payload.previousAddress))
        ? ['LANDESMELDEREGISTER']
        : [];
    case 'MovedOut':
      return concerns(payload.fromMunicipalityKey, payload.toMunicipalityKey) ? ['LANDESMELDEREGISTER'] : [];
    case 'DeathRecorded':
    case 'InformationBlockSet':
    case 'InformationBlockLifted':
      return source.level === 'MUNICIPAL' ? ['LANDESMELDEREGISTER'] : [];
    case 'PersonErased':
      // The cadastre, too, where it lists the person as an owner: it keeps them by law but transfers them no more.
      return source.level === 'MUNICIPAL' ? ['LANDESMELDEREGISTER', 'LIEGENSCHAFTSKATASTER'] : [];
    case 'NameChanged':
    case 'NamesRestated':
      return source.level === 'MUNICIPAL' && concerns(source.instanceKey) ? ['LANDESMELDEREGISTER'] : [];
    case 'ResidenceRestated':
      // The Land of the address, and a Land that holds the person as a former resident (the router asks the holders),
      // so a mirror that missed the move away learns it from the repair.
      return source.level === 'MUNICIPAL' ? ['LANDESMELDEREGISTER'] : [];
    default:
      // The Liegenschaftskataster is the authority for parcels and consumes nothing but an owner's erasure.
      return [];
  }
}

function municipalityKeyOf(address: unknown): unknown {
  return typeof address === 'object' && address !== null ? (address as Record<string, unknown>).municipalityKey : undefined;
}

/** The Land of an AGS, or undefined for anything that is not a well-formed AGS (never throws here). */
function landOf(ags: unknown): LandCode | undefined {
  return agsFormatViolation(ags) === undefined ? ((ags as string).slice(0, 2) as LandCode) : undefined;
}
