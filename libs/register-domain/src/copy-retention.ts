import { calendarDateOf, formatCalendarDate } from './calendar-date';
import { RETENTION_CATALOG, type RetentionEvent, type RetentionPeriod } from './retention-catalog';
import type { RegisterAddress, RegisterKind } from './registers';

/**
 * A recipient's copy of a person in the log (its deliveries, readable with the router's delivery key of the recipient
 * and person) is kept as long as the recipient's register keeps the person: the retention catalog's rule for this
 * table. Only recipients whose authority keeps persons in one register are listed: a municipality's Melderegister,
 * Personenstandsregister and Grundsteuer share one delivery key and keep a person for different periods.
 */
export const COPY_RETENTION_TABLES: Readonly<Partial<Record<RegisterKind, string>>> = {
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
 * The recipient's copy after a delivery of `eventType`: a death starts the period (final); for a Land, a move out of
 * the Land starts it and a registration in the Land ends it, each decided by its date, as the Land mirror decides
 * (state-residents.ts): an older registration does not undo a newer move away, nor an older move away a newer
 * registration. Undefined: the delivery changes nothing for the copy's retention.
 */
export function copyRetentionAfter(eventType: string, payload: Record<string, unknown>, recipient: RegisterAddress, before: CopyHolding): CopyRetention | undefined {
  const rule = copyRetentionPeriodOf(recipient.register);
  if (!rule) return undefined;
  const holding = holdingAfter(eventType, payload, recipient, before);
  if (!holding) return undefined;
  const starts = [rule.after.includes('MOVED_AWAY') ? holding.movedAwayOn : null, rule.after.includes('DECEASED') ? holding.diedOn : null].filter((day): day is string => day !== null).sort();
  return { register: recipient.register, holding, startedAt: starts.length > 0 ? new Date(`${starts[0]}T00:00:00.000Z`) : null };
}

function holdingAfter(eventType: string, payload: Record<string, unknown>, recipient: RegisterAddress, before: CopyHolding): CopyHolding | undefined {
  if (eventType === 'DeathRecorded') return { ...before, diedOn: dayOf(payload.dateOfDeath) };
  if (recipient.register !== 'LANDESMELDEREGISTER') return undefined;
  const inLand = (municipalityKey: unknown) => typeof municipalityKey === 'string' && municipalityKey.slice(0, 2) === recipient.instanceKey;
  if (eventType === 'MovedOut') return inLand(payload.toMunicipalityKey) ? undefined : movedAway(before, dayOf(payload.movedOutOn));
  if (eventType === 'ResidenceRegistered') {
    const on = dayOf(payload.movedInOn);
    if (!inLand((payload.address as { municipalityKey?: unknown } | undefined)?.municipalityKey)) return movedAway(before, on);
    if (before.movedInOn !== null && on < before.movedInOn) return undefined;
    return { ...before, movedInOn: on, movedAwayOn: before.movedAwayOn !== null && before.movedAwayOn > on ? before.movedAwayOn : null };
  }
  return undefined;
}

function movedAway(before: CopyHolding, on: string): CopyHolding | undefined {
  if ((before.movedAwayOn !== null && on < before.movedAwayOn) || (before.movedInOn !== null && on < before.movedInOn)) return undefined;
  return { ...before, movedAwayOn: on };
}

function dayOf(value: unknown): string {
  return formatCalendarDate(calendarDateOf(value instanceof Date ? value : new Date(String(value))));
}
