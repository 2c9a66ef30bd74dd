import { calendarDateOf, formatCalendarDate } from './calendar-date';
import { RETENTION_CATALOG, type RetentionEvent, type RetentionPeriod } from './retention-catalog';
import type { RegisterAddress, RegisterKind } from './registers';

/**
 * A recipient's copy of a person in the log (its deliveries, readable with the router's delivery key of the recipient
 * and person) is kept as long as the recipient's register keeps the person: the retention catalog's rule for this
 * table. A municipality's deliveries about a person (keyed by the IdNr) all go into its Melderegister: the Rückmeldung
 * and the answer to it, the death, the name changes of its own Standesamt, information blocks (routing catalog); its
 * Personenstandsregister receives nothing, and its property-tax roll gets parcels, whose deliveries are keyed by the
 * parcel (their copy is the roll's while it lists the parcel: no period is derived, see delivery_keys in the catalog).
 * A register without a row here (the roll, the cadastre) and a copy of a birth registration id (BirthRecorded,
 * IdNrAssigned: the resident's later events are keyed by the IdNr) keep their copy until an erasure (safe side).
 */
export const COPY_RETENTION_TABLES: Readonly<Partial<Record<RegisterKind, string>>> = {
  MELDEREGISTER: 'residents',
  LANDESMELDEREGISTER: 'state_residents',
  IDNR_BASISDATEN: 'idnr_base_data',
};

/** What the router has seen of a person at one recipient (calendar days, YYYY-MM-DD), as the recipient's register records it. */
export interface CopyHolding {
  movedInOn: string | null;
  movedAwayOn: string | null;
  diedOn: string | null;
}

export const NO_HOLDING_EVENTS: CopyHolding = { movedInOn: null, movedAwayOn: null, diedOn: null };

/** The holding after a delivery, and the instant the copy's retention period started (null: the copy is current). */
export interface CopyRetention {
  register: RegisterKind;
  holding: CopyHolding;
  startedAt: Date | null;
}

/** The catalog's period for the recipient's copy; undefined where the copy is not shredded by retention. */
export function copyRetentionPeriodOf(register: RegisterKind): { after: readonly RetentionEvent[]; period: RetentionPeriod } | undefined {
  const table = COPY_RETENTION_TABLES[register];
  const rule = RETENTION_CATALOG.find((candidate) => candidate.table === table && candidate.retention.kind === 'timed' && candidate.retention.disposal === 'delete');
  return rule?.retention.kind === 'timed' ? rule.retention : undefined;
}

/**
 * The recipient's copy after `eventType` reached it (or, for the sender's own copy, left it): a death starts the
 * period (final); a move out of the recipient's area (a Land, a municipality) starts it and a registration in the area
 * ends it, each decided by its date, as the Land mirror and the Melderegister decide (state-residents.ts,
 * residents.ts): an older registration does not undo a newer move away, nor an older move away a newer registration.
 * A move away and a registration on the same day leave the person registered, whatever their order (safe side: the
 * copy is kept). Undefined: the event changes nothing for the copy's retention (a name change, an information block).
 */
export function copyRetentionAfter(eventType: string, payload: Record<string, unknown>, recipient: RegisterAddress, before: CopyHolding): CopyRetention | undefined {
  const rule = copyRetentionPeriodOf(recipient.register);
  if (!rule) return undefined;
  const holding = holdingAfter(eventType, payload, recipient, before);
  if (!holding) return undefined;
  const starts = [rule.after.includes('MOVED_AWAY') ? holding.movedAwayOn : null, rule.after.includes('DECEASED') ? holding.diedOn : null].filter((day): day is string => day !== null).sort();
  return { register: recipient.register, holding, startedAt: starts.length > 0 ? new Date(`${starts[0]}T00:00:00.000Z`) : null };
}

/**
 * Whether a municipality key lies in the register's area: a Land's municipalities, or the municipality itself. A
 * municipality meets a registration in it as the answer to its Rückmeldung (MovedOut to it) or as its own
 * ResidenceRegistered, and a move away as a Rückmeldung (ResidenceRegistered elsewhere) or as its own MovedOut.
 */
const AREA_OF: Readonly<Partial<Record<RegisterKind, (municipalityKey: string, instanceKey: string) => boolean>>> = {
  LANDESMELDEREGISTER: (municipalityKey, land) => municipalityKey.slice(0, 2) === land,
  MELDEREGISTER: (municipalityKey, ags) => municipalityKey === ags,
};

function holdingAfter(eventType: string, payload: Record<string, unknown>, recipient: RegisterAddress, before: CopyHolding): CopyHolding | undefined {
  if (eventType === 'DeathRecorded') return { ...before, diedOn: dayOf(payload.dateOfDeath) };
  const area = AREA_OF[recipient.register];
  if (!area) return undefined;
  const inArea = (municipalityKey: unknown) => typeof municipalityKey === 'string' && area(municipalityKey, recipient.instanceKey);
  if (eventType === 'MovedOut') {
    const on = dayOf(payload.movedOutOn);
    if (inArea(payload.toMunicipalityKey)) return movedIn(before, on);
    return inArea(payload.fromMunicipalityKey) ? movedAway(before, on) : undefined;
  }
  if (eventType === 'ResidenceRegistered') {
    const on = dayOf(payload.movedInOn);
    if (inArea((payload.address as { municipalityKey?: unknown } | undefined)?.municipalityKey)) return movedIn(before, on);
    return inArea((payload.previousAddress as { municipalityKey?: unknown } | null | undefined)?.municipalityKey) ? movedAway(before, on) : undefined;
  }
  return undefined;
}

function movedIn(before: CopyHolding, on: string): CopyHolding | undefined {
  if (before.movedInOn !== null && on < before.movedInOn) return undefined;
  return { ...before, movedInOn: on, movedAwayOn: before.movedAwayOn !== null && before.movedAwayOn > on ? before.movedAwayOn : null };
}

function movedAway(before: CopyHolding, on: string): CopyHolding | undefined {
  if ((before.movedAwayOn !== null && on < before.movedAwayOn) || (before.movedInOn !== null && on <= before.movedInOn)) return undefined;
  return { ...before, movedAwayOn: on };
}

function dayOf(value: unknown): string {
  return formatCalendarDate(calendarDateOf(value instanceof Date ? value : new Date(String(value))));
}
