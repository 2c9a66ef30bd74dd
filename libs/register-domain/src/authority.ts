import { isEventType, type EventType } from './event-type';
import { landOfParcel, parcelIdViolation } from './parcel-id';
import {
  describeRegisterAddress,
  FEDERAL_INSTANCE_KEY,
  registerAddressViolation,
  type RegisterAddress,
  type RegisterKind,
} from './registers';

/** Which instance of the authoritative register may send the event. */
export type AuthoritativeInstance =
  | { kind: 'any' }
  | { kind: 'federal' }
  /** The instance key must equal the AGS at `path` in the payload. */
  | { kind: 'payload-municipality'; path: readonly string[]; describes: string }
  /** The instance key must be the Land of the payload's `parcelId`. */
  | { kind: 'land-of-parcel' };

export interface Authority {
  register: RegisterKind;
  why: string;
  instance: AuthoritativeInstance;
}

/** Who is authoritative for what (DESIGN.md, "Levels, registers, authority"). */
export const AUTHORITY: Readonly<Record<EventType, Authority>> = {
  BirthRecorded: {
    register: 'PERSONENSTANDSREGISTER',
    why: 'civil status is authoritative for births',
    instance: { kind: 'any' },
  },
  NameChanged: {
    register: 'PERSONENSTANDSREGISTER',
    why: 'civil status is authoritative for names',
    instance: { kind: 'any' },
  },
  PersonErased: {
    register: 'MELDEREGISTER',
    why: 'the Meldebehörde erases a person from the registers (§ 14 BMG, Art. 17 DSGVO)',
    instance: { kind: 'any' },
  },
  DeathRecorded: {
    register: 'PERSONENSTANDSREGISTER',
    why: 'civil status is authoritative for deaths',
    instance: { kind: 'any' },
  },
  IdNrRequested: {
    register: 'MELDEREGISTER',
    why: 'the Meldebehörde requests the IdNr for its residents',
    instance: { kind: 'any' },
  },
  ResidenceRegistered: {
    register: 'MELDEREGISTER',
    why: 'the Melderegister is authoritative for addresses',
    instance: { kind: 'payload-municipality', path: ['address', 'municipalityKey'], describes: 'the new address' },
  },
  MovedOut: {
    register: 'MELDEREGISTER',
    why: 'the Melderegister is authoritative for move-out',
    instance: { kind: 'payload-municipality', path: ['fromMunicipalityKey'], describes: 'the municipality moved out of' },
  },
  InformationBlockSet: {
    register: 'MELDEREGISTER',
    why: 'the Melderegister is authoritative for information blocks',
    instance: { kind: 'any' },
  },
  InformationBlockLifted: {
    register: 'MELDEREGISTER',
    why: 'the Melderegister is authoritative for information blocks',
    instance: { kind: 'any' },
  },
  IdNrAssigned: {
    register: 'IDNR_BASISDATEN',
    why: 'the BZSt assigns the IdNr, § 139b AO',
    instance: { kind: 'federal' },
  },
  ParcelRecorded: {
    register: 'LIEGENSCHAFTSKATASTER',
    why: 'the cadastre is authoritative for parcels',
    instance: { kind: 'land-of-parcel' },
  },
  ParcelChanged: {
    register: 'LIEGENSCHAFTSKATASTER',
    why: 'the cadastre is authoritative for parcels',
    instance: { kind: 'land-of-parcel' },
  },
  ParcelLeftMunicipality: {
    register: 'LIEGENSCHAFTSKATASTER',
    why: 'the cadastre is authoritative for parcels',
    instance: { kind: 'land-of-parcel' },
  },
  ResidenceRestated: {
    register: 'MELDEREGISTER',
    why: 'the Melderegister is authoritative for addresses',
    instance: { kind: 'payload-municipality', path: ['address', 'municipalityKey'], describes: 'the address' },
  },
  NamesRestated: {
    register: 'PERSONENSTANDSREGISTER',
    why: 'civil status is authoritative for names',
    instance: { kind: 'any' },
  },
  ParcelRestated: {
    register: 'LIEGENSCHAFTSKATASTER',
    why: 'the cadastre is authoritative for parcels',
    instance: { kind: 'land-of-parcel' },
  },
  PropertyTaxBaseChanged: {
    register: 'GRUNDSTEUER',
    why: "the property-tax roll of the parcel's municipality is authoritative for its tax base",
    instance: { kind: 'payload-municipality', path: ['municipalityKey'], describes: "the parcel's municipality" },
  },
};

/**
 * Why `source` may not send this event, or undefined when it is the authoritative register.
 * The consumer dead-letters on a reason; it never applies the event.
 */
export function authorityViolation(
  eventType: string,
  source: RegisterAddress,
  payload: Record<string, unknown>,
): string | undefined {
  if (!isEventType(eventType)) return `unknown event type ${eventType}: no register is authoritative for it`;
  const came = describeRegisterAddress(source);
  const sourceViolation = registerAddressViolation(source);
  if (sourceViolation) return `${eventType} came from an invalid source ${came}: ${sourceViolation}`;

  const authority = AUTHORITY[eventType];
  if (source.register !== authority.register) {
    return `${eventType} must come from a ${authority.register} (${authority.why}); came from ${came}`;
  }
  const expected = expectedInstanceKey(authority.instance, payload);
  if (expected === undefined) return undefined;
  if ('missing' in expected) return `${eventType} ${expected.missing}, so its authority cannot be checked`;
  if (expected.key !== source.instanceKey) {
    return `${eventType} must come from the ${authority.register} of ${expected.describes} (${expected.key}); came from ${came}`;
  }
  return undefined;
}

type ExpectedInstance = { key: string; describes: string } | { missing: string };

function expectedInstanceKey(
  rule: AuthoritativeInstance,
  payload: Record<string, unknown>,
): ExpectedInstance | undefined {
  switch (rule.kind) {
    case 'any':
      return undefined;
    case 'federal':
      return { key: FEDERAL_INSTANCE_KEY, describes: 'the federation' };
    case 'payload-municipality': {
      const value = valueAt(payload, rule.path);
      const path = rule.path.join('.');
      if (typeof value !== 'string') return { missing: `lacks ${path}` };
      return { key: value, describes: `${rule.describes}, ${path}` };
    }
    case 'land-of-parcel': {
      const parcelViolation = parcelIdViolation(payload.parcelId);
      if (parcelViolation) return { missing: `has an invalid parcelId (${parcelViolation})` };
      return { key: landOfParcel(payload.parcelId as string), describes: "the parcel's Land" };
    }
  }
}

function valueAt(payload: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = payload;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
