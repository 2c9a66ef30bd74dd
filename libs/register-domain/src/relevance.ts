import { agsFormatViolation } from './ags';
import type { LandCode } from './land-code';
import type { RegisterAddress, RegisterInstance, RegisterKind } from './registers';

/**
 * Which registers of this instance should apply the event; empty means the instance ignores it.
 * Pure: the consumer calls it before decoding further, the authority and routing checks come on top.
 *
 * Simplification: civil-status events are recorded by the Standesamt of the residence municipality, so a
 * municipality's Melderegister takes over NameChanged and DeathRecorded from its own Standesamt only.
 * Information blocks are set by the Melderegister itself, so no Melderegister consumes them.
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

const FEDERAL_EVENT_TYPES: readonly string[] = ['IdNrRequested', 'ResidenceRegistered', 'NameChanged', 'DeathRecorded'];

function municipalRecipients(
  ags: string,
  eventType: string,
  payload: Record<string, unknown>,
  source: RegisterAddress,
): RegisterKind[] {
  const ownStandesamt = source.level === 'MUNICIPAL' && source.register === 'PERSONENSTANDSREGISTER' && source.instanceKey === ags;
  switch (eventType) {
    case 'BirthRecorded':
      return municipalityKeyOf(payload.residence) === ags ? ['MELDEREGISTER'] : [];
    case 'IdNrAssigned':
      return payload.requestingMunicipalityKey === ags ? ['MELDEREGISTER'] : [];
    case 'ResidenceRegistered':
      // Rückmeldung to the municipality moved away from; the registering municipality applied it already.
      return municipalityKeyOf(payload.previousAddress) === ags && source.instanceKey !== ags ? ['MELDEREGISTER'] : [];
    case 'NameChanged':
    case 'DeathRecorded':
      return ownStandesamt ? ['MELDEREGISTER'] : [];
    case 'ParcelRecorded':
    case 'ParcelChanged':
      return payload.municipalityKey === ags ? ['GRUNDSTEUER'] : [];
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
    case 'NameChanged':
    case 'DeathRecorded':
    case 'InformationBlockSet':
    case 'InformationBlockLifted':
      return source.level === 'MUNICIPAL' && concerns(source.instanceKey) ? ['LANDESMELDEREGISTER'] : [];
    default:
      // The Liegenschaftskataster is the authority for parcels and consumes nothing.
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
