import type { InformationBlockKind, InformationBlockLifted, InformationBlockSet } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';

export type { InformationBlockKind };

export const INFORMATION_BLOCK_KINDS: readonly InformationBlockKind[] = ['AUSKUNFTSSPERRE', 'BEDINGTER_SPERRVERMERK'];

/** Why the Meldebehörde set a block; kept by the Meldebehörde only (the other registers need kind and validity). */
export const BLOCK_REASON_CATEGORIES = [
  'DANGER_TO_LIFE_OR_HEALTH', // § 51 Abs. 1 BMG: Gefahr für Leben, Gesundheit, persönliche Freiheit
  'SIMILAR_PROTECTED_INTEREST', // § 51 Abs. 1 BMG: ähnliche schutzwürdige Interessen
  'PROTECTED_INSTITUTION', // § 52 Abs. 1 BMG: Justizvollzug, Krankenhaus, Pflege-, Frauenhaus u. ä.
  'OFFICIAL_PROTECTION', // § 51 Abs. 2 BMG: on request of a security authority (e.g. witness protection)
] as const;
export type BlockReasonCategory = (typeof BLOCK_REASON_CATEGORIES)[number];

/**
 * The block a register holds about one person. kind null: lifted. changedAt (ms) is the envelope's occurredAt of the
 * last set or lift applied: blocks of one person come from different Meldebehörden (the one that set it, the one that
 * passed it on with the Rückmeldung, the one the person lives in now), so arrival order does not say which is newer.
 */
export interface InformationBlockState {
  kind: InformationBlockKind | null;
  validUntil: string | null;
  changedAt: number;
  /**
   * AGS of the previous residence while its answer to the Rückmeldung is outstanding: until then this register cannot
   * know whether a block protects the new address (the previous Meldebehörde passes one on before its MovedOut).
   */
  awaitingRueckmeldungFrom: string | null;
}

const NO_BLOCK: InformationBlockState = { kind: null, validUntil: null, changedAt: 0, awaitingRueckmeldungFrom: null };

export type BlockSetForRegister = Pick<InformationBlockSet, 'blockKind' | 'validUntil'> & { envelope: { occurredAt: Date } };
export type BlockLiftForRegister = Pick<InformationBlockLifted, 'blockKind'> & { envelope: { occurredAt: Date } };

/**
 * A set replaces what the register holds unless the register already applied a newer set or lift (same instant:
 * arrival order). Undefined: nothing to store.
 */
export function applyBlockSet(existing: InformationBlockState | undefined, set: BlockSetForRegister): InformationBlockState | undefined {
  const at = set.envelope.occurredAt.getTime();
  if (existing && at < existing.changedAt) return undefined;
  const validUntil = set.validUntil === null ? null : formatCalendarDate(set.validUntil);
  if (existing && existing.kind === set.blockKind && existing.validUntil === validUntil) return undefined;
  return { ...(existing ?? NO_BLOCK), kind: set.blockKind, validUntil, changedAt: Math.max(at, existing?.changedAt ?? at) };
}

/**
 * A lift ends a block of its kind; it is kept as a lifted state (kind null) so a set older than the lift, arriving
 * later from another Meldebehörde, cannot bring the block back. A lift of another kind, or older than what is held,
 * changes nothing.
 */
export function applyBlockLift(existing: InformationBlockState | undefined, lift: BlockLiftForRegister): InformationBlockState | undefined {
  const at = lift.envelope.occurredAt.getTime();
  if (existing && at < existing.changedAt) return undefined;
  if (existing && existing.kind !== null && existing.kind !== lift.blockKind) return undefined;
  return { ...(existing ?? NO_BLOCK), kind: null, validUntil: null, changedAt: at };
}

/**
 * Which Meldebehörde's answer a register awaits after a registration: the previous residence's, where it is another
 * municipality (for a Melderegister) or lies in another Land (for a Landesmelderegister; within its own Land the mirror
 * holds the person's block already). undefined: nothing to await (first registration, a move from abroad).
 */
export function rueckmeldungToAwait(previousMunicipalityKey: string | null | undefined, here: { municipality: string } | { land: string }): string | undefined {
  if (!previousMunicipalityKey) return undefined;
  if ('municipality' in here) return previousMunicipalityKey === here.municipality ? undefined : previousMunicipalityKey;
  return previousMunicipalityKey.slice(0, 2) === here.land ? undefined : previousMunicipalityKey;
}

export function awaitRueckmeldung(existing: InformationBlockState | undefined, fromMunicipalityKey: string): InformationBlockState {
  return { ...(existing ?? NO_BLOCK), awaitingRueckmeldungFrom: fromMunicipalityKey };
}

/** The previous Meldebehörde answered (MovedOut): any block it held has arrived before, so the wait ends. */
export function rueckmeldungAnswered(existing: InformationBlockState | undefined, fromMunicipalityKey: string): InformationBlockState | undefined {
  if (existing?.awaitingRueckmeldungFrom !== fromMunicipalityKey) return undefined;
  return { ...existing, awaitingRueckmeldungFrom: null };
}

/**
 * A later move away from this register ends the wait too: a previous Meldebehörde that finds the Rückmeldung stale
 * (the person has registered with it again since) sends no MovedOut, only the block it holds.
 */
export function rueckmeldungSuperseded(existing: InformationBlockState | undefined): InformationBlockState | undefined {
  return existing?.awaitingRueckmeldungFrom ? { ...existing, awaitingRueckmeldungFrom: null } : undefined;
}

/** The block in force on `today` (YYYY-MM-DD): expiry is decided at read time, no event is needed for it. */
export function blockInForce(state: InformationBlockState | null | undefined, today: string): { kind: InformationBlockKind; validUntil: string | null } | undefined {
  if (!state || state.kind === null) return undefined;
  if (state.validUntil !== null && state.validUntil < today) return undefined;
  return { kind: state.kind, validUntil: state.validUntil };
}

export const BLOCK_DISCLOSURE_BASIS =
  '§ 51 Abs. 1 BMG (Auskunftssperre: no Melderegisterauskunft), § 52 Abs. 1 BMG (bedingter Sperrvermerk: only after ' +
  'hearing the person); public bodies only with an explicit basis where the risk to the person is ruled out (§ 34 Abs. 6 BMG)';

/**
 * Who may see the address of a blocked person: only the agencies this instance names as exempt (the Meldebehörde's
 * own staff, and public bodies with an explicit basis, e.g. police and courts under § 34 Abs. 6 BMG; configured as
 * BLOCK_EXEMPT_AGENCIES). Everyone else learns that a block exists and no address.
 */
export function mayDiscloseBlockedAddress(agency: string | undefined, exemptAgencies: readonly string[]): boolean {
  return agency !== undefined && exemptAgencies.includes(agency);
}

/**
 * What a read says about a block: that one exists, which kind, until when, and why the address is missing. kind null
 * with awaitingRueckmeldung: the previous Meldebehörde has not yet answered whether one exists.
 */
export interface BlockNotice {
  kind: InformationBlockKind | null;
  awaitingRueckmeldung: boolean;
  validUntil: string | null;
  addressWithheld: boolean;
  legalBasis: string;
}

/**
 * One person as a read returns it: without the address fields while a block is in force and the caller is not
 * exempt. The fields are set to null, not removed, so a caller cannot mistake an old client's default for an address.
 */
export function disclosedView<T extends object>(
  record: T,
  addressFields: readonly (keyof T)[],
  block: InformationBlockState | null | undefined,
  caller: { agency: string | undefined; exemptAgencies: readonly string[]; today: string },
): T & { informationBlock: BlockNotice | null } {
  const inForce = blockInForce(block, caller.today);
  const awaitingRueckmeldung = Boolean(block?.awaitingRueckmeldungFrom);
  if (!inForce && !awaitingRueckmeldung) return { ...record, informationBlock: null };
  const withhold = !mayDiscloseBlockedAddress(caller.agency, caller.exemptAgencies);
  const notice: BlockNotice = { kind: inForce?.kind ?? null, validUntil: inForce?.validUntil ?? null, awaitingRueckmeldung, addressWithheld: withhold, legalBasis: BLOCK_DISCLOSURE_BASIS };
  const view = { ...record, informationBlock: notice };
  if (withhold) for (const field of addressFields) (view as Record<keyof T, unknown>)[field] = null;
  return view;
}

/** A block ends at the end of its last day; one that ends before today would never be in force. */
export function validUntilViolation(validUntil: Date, today: Date): string | undefined {
  return formatCalendarDate(validUntil) < formatCalendarDate(today) ? `must not be in the past (today is ${formatCalendarDate(today)})` : undefined;
}

/** The fields of person events that carry an address or name the municipality moved to. */
const EVENT_ADDRESS_FIELDS = ['address', 'previousAddress', 'residence', 'toMunicipalityKey'] as const;

/**
 * A decoded person event as an operator sees it (dead letters on the ops dashboard): without its address fields while
 * the person's block is in force. Operators hold no exemption; re-driving uses the undecoded record.
 */
export function eventPayloadView(payload: Record<string, unknown>, block: InformationBlockState | undefined, today: string): Record<string, unknown> {
  return disclosedView(payload, EVENT_ADDRESS_FIELDS.filter((field) => field in payload), block, { agency: undefined, exemptAgencies: [], today });
}
