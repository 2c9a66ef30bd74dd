import { calendarDateOf, formatCalendarDate } from './calendar-date';
import type { RegisterKind } from './registers';

/** What starts a retention period. A person's events as a register records them, or a technical record's. */
export type RetentionEvent =
  | 'MOVED_AWAY' // the person left the register's area (Melderegister: the municipality; Land mirror: the Land)
  | 'DECEASED'
  | 'BIRTH_RECORDED' // the Standesamt recorded the birth (Geburtenregister entry)
  | 'NAME_CHANGE_RECORDED' // the Standesamt recorded a marriage or name change of a person born elsewhere
  | 'TRANSFERRED' // personal data were transferred to this register (transfer log)
  | 'PUBLISHED' // the outbox relay published the record to Kafka
  | 'PROCESSED' // the consumer processed the event (inbox)
  | 'REQUEST_ANSWERED'; // an agency request with an Idempotency-Key was answered

/**
 * How long after its event a record is kept.
 * - `years` after the event day: the period ends with the end of the same day N years later (§ 188 Abs. 2 BGB; a
 *   29 February ends on 28 February, as § 188 Abs. 3 BGB has it for months).
 * - `years` after the end of the calendar year of the event: kept until 31 December, N years after that year.
 * - `hours`: exact, for technical records.
 */
export type RetentionPeriod = { years: number; from: 'event-day' | 'end-of-calendar-year' } | { hours: number };

export type Retention =
  /** Kept for `period` after the earliest of `after`; then `disposal`. Without such an event the record is current and kept. */
  | { kind: 'timed'; after: readonly RetentionEvent[]; period: RetentionPeriod; disposal: 'delete' | 'offer-to-archive' }
  /** Kept while it is current; the register's own events replace or remove it, no period runs. */
  | { kind: 'while-current'; reason: string }
  /** Deleted together with the person's record of the register it sits beside (the IdNr's entry in that register). */
  | { kind: 'with-person-record' }
  /**
   * The router's record of a recipient's copy of a subject: kept as long as the recipient's register keeps the person
   * (the recipient's rule in this catalog, copy-retention.ts), then deleted by the router's retention job.
   */
  | { kind: 'as-recipient-keeps'; reason: string }
  /**
   * A sender's own data key of a person: kept as long as a record of the person in the sending authority's registers
   * is kept under this catalog (sender-key-retention.ts), then deleted by the authority's retention job.
   */
  | { kind: 'as-own-registers-keep'; reason: string };

/**
 * What an erasure of a person (PersonErased) does where the person is one of a row's list of persons (the owners of a
 * parcel) rather than the row's subject; rows of the person's own are deleted (erasure/person-erasure.ts).
 * - `removed-from-list`: the IdNr leaves `column`; the row stays for the others it names.
 * - `kept-not-transferred`: a law obliges the register to keep the person (Art. 17 Abs. 3 lit. b DSGVO: no erasure
 *   where processing is required by a legal obligation), so the IdNr moves from `column` to `keptIn` and is no longer
 *   transferred to anyone; `legalBasis` says which obligation.
 */
export type ErasureOfListedPerson = (
  | { kind: 'removed-from-list'; column: string }
  | { kind: 'kept-not-transferred'; column: string; keptIn: string; legalBasis: string; sources: readonly string[] }
) & {
  /**
   * The row's subject, whose events (sealed with its key) named the listed persons: the erasure re-keys it (deletes its
   * key, so no event sent before opens, and restates it under a new one where the register restates such subjects).
   */
  subject: { kind: 'PARCEL'; column: string };
};

/** One kind of record a register keeps, in which table, for how long, under which legal basis. */
export interface RetentionRule {
  table: string;
  /** The registers whose data the table holds; 'every instance' for the technical tables of every service. */
  registers: readonly RegisterKind[] | 'every instance';
  recordKind: string;
  retention: Retention;
  legalBasis: string;
  /** Where the basis was read (URLs of the text of the norm); a basis no source confirms says so in `toBeConfirmed`. */
  sources: readonly string[];
  toBeConfirmed?: string;
  /** Where the table lists persons besides its subject: what their erasure does to the list. */
  erasure?: ErasureOfListedPerson;
}

const BMG_13 = ['https://lexmea.de/gesetz/bmg/13', 'https://lexetius.de/BMG/13,2'];
const BMG_14 = ['https://www.buzer.de/gesetz/10628/a180968.htm', 'https://lexante.net/de/bmg/14'];
const PSTG_5_7 = ['https://dejure.org/gesetze/PStG/5.html', 'https://ra.de/g/pstg-7'];
const BGB_188 = 'https://lexcada.com/akn/de/act/1896-08-18/BGB/deu/!para_188';
const IDNRG_9 = 'https://gesetze.legal/bund/idnrg/9';
const AO_139B = ['https://bustler.de/link.aspx?lnk=1688', 'https://www.steuertipps.de/gesetze/abgabenordnung-ao/139d-verordnungsermaechtigung'];
const DSGVO_ART_5 = 'https://eur-lex.europa.eu/eli/reg/2016/679/oj';
const GBO_2 = 'https://www.gesetze-im-internet.de/gbo/__2.html';
/** How long an agency's Idempotency-Key and its answer are kept (service-runtime's idempotency stores it with this expiry). */
export const IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

const TECHNICAL_BASIS = 'Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung): no statutory period; kept as long as the delivery guarantee needs it';

/**
 * The retention catalog, reviewed like code (like the routing catalog): every table a register service keeps, how long
 * each kind of record in it is kept after which event, under which legal basis, with the sources read. The retention
 * job (libs/data-protection/src/retention) deletes what it says; `keptUntil` tells a person until when.
 */
export const RETENTION_CATALOG: readonly RetentionRule[] = [
  // Melderegister (municipal).
  {
    table: 'residents',
    registers: ['MELDEREGISTER'],
    recordKind: 'resident',
    // § 13 Abs. 1: after the move away or death the data are still stored; Abs. 2: after five years past the end of that
    // calendar year, kept for 50 more years, processing restricted (names, dates, addresses excepted), then deleted.
    retention: { kind: 'timed', after: ['MOVED_AWAY', 'DECEASED'], period: { years: 55, from: 'end-of-calendar-year' }, disposal: 'delete' },
    legalBasis: '§ 13 Abs. 1, 2 BMG (5 years, then 50 years kept with restricted processing), § 14 Abs. 1 BMG (deletion)',
    sources: [...BMG_13, ...BMG_14],
    toBeConfirmed:
      'the restriction of processing in years 6–55 (§ 13 Abs. 2 Satz 2 BMG) is not enforced on reads; the offer to the archives before ' +
      'deletion (§ 16 BMG) is not made; every column kept here is taken to be among the data of § 13 Abs. 1 BMG (§ 14 Abs. 2 Satz 4: others 30 days)',
  },
  {
    table: 'secondary_residences',
    registers: ['MELDEREGISTER'],
    recordKind: 'Nebenwohnung',
    // The address of a dwelling is among the data of § 3 Abs. 1 Nr. 12 BMG: kept like the resident's record after the move out.
    retention: { kind: 'timed', after: ['MOVED_AWAY', 'DECEASED'], period: { years: 55, from: 'end-of-calendar-year' }, disposal: 'delete' },
    legalBasis: '§ 13 Abs. 1, 2 BMG (5 years, then 50 years kept with restricted processing), § 14 Abs. 1 BMG (deletion)',
    sources: [...BMG_13, ...BMG_14],
    toBeConfirmed:
      "the period starts with the Abmeldung (POST /secondary-residences/{idnr}/move-out) or the holder's death; a death reaches this Melderegister only where the router counts it a holder of the person (a resident record here, or an event about them), so the Nebenwohnung of a person held only in this list is not ended by their death; a Hauptwohnung registered in the same dwelling does not end it",
  },
  {
    table: 'information_block_audit',
    registers: ['MELDEREGISTER'],
    recordKind: 'decision on an information block (who set or lifted it, why)',
    retention: { kind: 'with-person-record' },
    legalBasis: '§ 13 Abs. 1, 2 BMG: Auskunftssperren are kept with the resident, so is the decision on them here',
    sources: BMG_13,
    toBeConfirmed: "whether the reasoned decision (§ 51 BMG) is rather kept as a file under the Land's Aktenordnung",
  },
  // Personenstandsregister (civil status, municipal): one record per person, the Geburtenregister entry with its
  // Folgebeurkundungen; a person born elsewhere gets a record of their own from a marriage or death recorded here.
  {
    table: 'civil_status_records',
    registers: ['PERSONENSTANDSREGISTER'],
    recordKind: 'birth entry (Geburtenregister)',
    retention: { kind: 'timed', after: ['BIRTH_RECORDED'], period: { years: 110, from: 'event-day' }, disposal: 'offer-to-archive' },
    legalBasis: '§ 5 Abs. 5 Nr. 2 PStG (Fortführung 110 years), § 7 Abs. 2, 3 PStG (kept permanently; offered to the archive after the period, deleted only once the archive took it over)',
    sources: PSTG_5_7,
    toBeConfirmed: 'the day the period starts (the Beurkundung; the date of birth is used here)',
  },
  {
    table: 'civil_status_records',
    registers: ['PERSONENSTANDSREGISTER'],
    recordKind: 'marriage or name entry (Eheregister)',
    retention: { kind: 'timed', after: ['NAME_CHANGE_RECORDED'], period: { years: 80, from: 'event-day' }, disposal: 'offer-to-archive' },
    legalBasis: '§ 5 Abs. 5 Nr. 1 PStG (Fortführung 80 years), § 7 Abs. 2, 3 PStG',
    sources: PSTG_5_7,
    toBeConfirmed: 'the day the period starts (the Beurkundung of the marriage)',
  },
  {
    table: 'civil_status_records',
    registers: ['PERSONENSTANDSREGISTER'],
    recordKind: 'death entry (Sterberegister)',
    retention: { kind: 'timed', after: ['DECEASED'], period: { years: 30, from: 'event-day' }, disposal: 'offer-to-archive' },
    legalBasis: '§ 5 Abs. 5 Nr. 3 PStG (Fortführung 30 years), § 7 Abs. 2, 3 PStG',
    sources: PSTG_5_7,
    toBeConfirmed: 'the day the period starts (the Beurkundung of the death; the date of death is used here)',
  },
  // Grundsteuer (municipal property-tax roll).
  {
    table: 'property_tax_entries',
    registers: ['GRUNDSTEUER'],
    recordKind: 'parcel on the roll (owner IdNrs, area, usage)',
    retention: { kind: 'while-current', reason: 'a change replaces the entry; a parcel that leaves the municipality is dropped at once (ParcelLeftMunicipality)' },
    legalBasis: '§ 229 Abs. 3 BewG (the cadastre reports what the Grundsteuer needs); Art. 5 Abs. 1 lit. e DSGVO',
    sources: [DSGVO_ART_5],
    toBeConfirmed: 'how long the municipality keeps past assessments (the roll here holds the current state only)',
    // A copy of the cadastre's facts: the erased owner's IdNr leaves the roll (the parcel stays, with its other owners).
    erasure: { kind: 'removed-from-list', column: 'owner_idnrs', subject: { kind: 'PARCEL', column: 'parcel_id' } },
  },
  // Landesmelderegister (the Land's mirror).
  {
    table: 'state_residents',
    registers: ['LANDESMELDEREGISTER'],
    recordKind: 'resident of the Land',
    retention: { kind: 'timed', after: ['MOVED_AWAY', 'DECEASED'], period: { years: 55, from: 'end-of-calendar-year' }, disposal: 'delete' },
    legalBasis: '§ 55 BMG i. V. m. Landesrecht; the periods of § 13 Abs. 2 BMG applied to the mirror',
    sources: BMG_13,
    toBeConfirmed: "the Land's own Ausführungsgesetz zum BMG may set other periods for its central data set",
  },
  // Liegenschaftskataster (the Land's cadastre).
  {
    table: 'parcels',
    registers: ['LIEGENSCHAFTSKATASTER'],
    recordKind: 'parcel (Flurstück) with its owners',
    retention: { kind: 'while-current', reason: 'the cadastre describes every parcel as it is now; a change replaces it' },
    legalBasis: 'Vermessungs- und Katastergesetz of the Land',
    sources: [],
    toBeConfirmed:
      "the Land's Vermessungs- und Katastergesetz (historic owners are kept by the Grundbuch, not here), and its paragraph that obliges the " +
      'cadastre to keep the owners (the basis for keeping an erased owner below)',
    erasure: {
      kind: 'kept-not-transferred',
      column: 'owner_idnrs',
      subject: { kind: 'PARCEL', column: 'parcel_id' },
      keptIn: 'erased_owner_idnrs',
      legalBasis:
        'Art. 17 Abs. 3 lit. b DSGVO: the cadastre must describe every parcel with its owners as the Grundbuch names them ' +
        '(Vermessungs- und Katastergesetz of the Land; § 2 Abs. 2 GBO: the Grundbuch names parcels by the cadastre), and an ' +
        "erasure at the Meldebehörde does not change who owns land; the exception covers keeping, not transferring, so the " +
        'IdNr goes to no property-tax roll any more (Art. 18 Abs. 2 DSGVO)',
      sources: [DSGVO_ART_5, GBO_2],
    },
  },
  // IdNr base data (BZSt).
  {
    table: 'idnr_base_data',
    registers: ['IDNR_BASISDATEN'],
    recordKind: 'base data of an IdNr',
    retention: { kind: 'timed', after: ['DECEASED'], period: { years: 20, from: 'end-of-calendar-year' }, disposal: 'delete' },
    legalBasis: '§ 139b AO: deleted when no longer needed, at the latest 20 years after the end of the calendar year of the death',
    sources: AO_139B,
    toBeConfirmed: 'the paragraph and wording of the 20-year deletion in § 139b AO (its Abs. 1–3 and 6 were read, and § 139d Nr. 3 AO, which lets a Verordnung set deletion periods)',
  },
  // Beside every register that holds addresses.
  {
    table: 'information_blocks',
    registers: ['MELDEREGISTER', 'LANDESMELDEREGISTER', 'IDNR_BASISDATEN'],
    recordKind: 'information block (§§ 51, 52 BMG)',
    retention: { kind: 'with-person-record' },
    legalBasis: '§ 13 Abs. 1, 2 BMG (Auskunftssperren are kept with the person); § 139b Abs. 3 AO for the BZSt',
    sources: BMG_13,
  },
  // Every register instance.
  {
    table: 'transfer_log',
    registers: 'every instance',
    recordKind: 'transfer log entry',
    retention: { kind: 'timed', after: ['TRANSFERRED'], period: { years: 2, from: 'event-day' }, disposal: 'delete' },
    legalBasis: '§ 9 Abs. 3 IDNrG (Protokolldaten two years, then deleted without delay); § 188 Abs. 2 BGB for the end of the period',
    sources: [IDNRG_9, BGB_188],
  },
  {
    table: 'regsync_idempotency_keys',
    registers: 'every instance',
    recordKind: "an agency's Idempotency-Key and its answer",
    retention: { kind: 'timed', after: ['REQUEST_ANSWERED'], period: { hours: IDEMPOTENCY_KEY_RETENTION_HOURS }, disposal: 'delete' },
    legalBasis: `${TECHNICAL_BASIS}: a day covers every agency system's retry schedule (Stripe keeps 24 h too)`,
    sources: [DSGVO_ART_5],
  },
  {
    table: 'regsync_outbox',
    registers: 'every instance',
    recordKind: 'outgoing event or dead letter, once published',
    // Unpublished rows are never deleted. A dead letter itself stays on its dead-letter topic until an operator
    // re-drives or decides it (topic catalog); the outbox row is only its way there.
    retention: { kind: 'timed', after: ['PUBLISHED'], period: { hours: 7 * 24 }, disposal: 'delete' },
    legalBasis: `${TECHNICAL_BASIS}: the published record is on its topic; a week keeps it for an incident's analysis`,
    sources: [DSGVO_ART_5],
  },
  {
    table: 'regsync_inbox',
    registers: 'every instance',
    recordKind: 'id of a processed event',
    // Redeliveries come within minutes; an older event is still recognised by its subject version (regsync_applied_version).
    retention: { kind: 'timed', after: ['PROCESSED'], period: { hours: 30 * 24 }, disposal: 'delete' },
    legalBasis: `${TECHNICAL_BASIS}: redeliveries come within minutes, older events are stale by their subject version`,
    sources: [DSGVO_ART_5],
  },
  {
    table: 'regsync_applied_version',
    registers: 'every instance',
    recordKind: 'highest subject version applied per sender',
    retention: { kind: 'with-person-record' },
    legalBasis: `${TECHNICAL_BASIS}: needed as long as the register holds the person (at the router, which holds no person, kept)`,
    sources: [DSGVO_ART_5],
  },
  {
    table: 'regsync_held_event',
    registers: 'every instance',
    recordKind: 'event held at a gap (hold at a gap): waits for a missing earlier version of its subject',
    retention: {
      kind: 'while-current',
      reason: 'leaves the table only when it is applied, found stale or dead-lettered, or an operator releases it; never dropped silently (regsync_held_subjects, alert RegsyncSubjectHeld)',
    },
    legalBasis: `${TECHNICAL_BASIS}: the delivery guarantee (each event applied exactly once, in order) needs it until then`,
    sources: [DSGVO_ART_5],
  },
  {
    table: 'regsync_subject_version',
    registers: 'every instance',
    recordKind: "version counter of a subject this instance sends events about",
    retention: { kind: 'while-current', reason: 'a counter that started again at 1 would make every recipient ignore the next event about the subject as stale' },
    legalBasis: `${TECHNICAL_BASIS}: holds the subject id only`,
    sources: [DSGVO_ART_5],
    toBeConfirmed: 'with the data-protection officer: the IdNr stays here after the person is deleted (until crypto-shredding)',
  },
  {
    table: 'regsync_subject_key',
    registers: 'every instance',
    recordKind: 'data key of a subject this instance sends events about, wrapped by the authority key (crypto-shredding)',
    retention: {
      kind: 'as-own-registers-keep',
      reason:
        "a person's key is deleted, with a tombstone on the key topic, when the person is erased, or when no record of the person is left in the authority's registers whose period runs (a municipality: the resident and each Nebenwohnung 55 years after the end of the year of moving away or death, the Standesamt's entries 110 / 80 / 30 years, the property-tax roll while the person owns a parcel there; a Land: its mirror's record 55 years after the end of the year of the move out of the Land or death, its cadastre while the person owns a parcel there; the BZSt: the base data 20 years after the end of the year of death, which also hold the birth registration id its IdNrAssigned is keyed by): from then on no copy of the events it sent about the person opens, in any topic or backup. A parcel's key is kept while the parcel is current (a parcel has no end; an owner's erasure re-keys it)",
    },
    legalBasis:
      "the longest retention of the authority's records of the person (§ 13 Abs. 2, § 14 Abs. 1 BMG for the Melderegister; § 5 Abs. 5, § 7 PStG for the Personenstandsregister; § 55 BMG i. V. m. Landesrecht for the Land's mirror; § 139b AO for the IdNr base data), applied to its events in the log; Art. 5 Abs. 1 lit. e DSGVO: holds the subject id only",
    sources: [...BMG_13, ...BMG_14, ...PSTG_5_7, ...AO_139B, DSGVO_ART_5],
    toBeConfirmed:
      "applied by the retention job of every register (municipal, state, federal), each hosted authority's keys against its own records. A Land sends no event keyed by a person (the cadastre's are keyed by parcel), so it holds no person's key here. " +
      "The snapshot key of a person whose last record the job deleted (a Land's mirror, the BZSt's base data by IdNr) is withdrawn by the next snapshot published, not by the job. " +
      "A person's erasure deletes their key and that of their birth registration id (the subject of the BZSt's IdNrAssigned, a municipality's IdNrRequested and BirthRecorded). " +
      "A Nebenwohnung (secondary_residences) keeps its holder's key until 55 years after the end of the year it ended (Abmeldung or death); one not ended keeps it",
  },
  {
    table: 'regsync_producer_state',
    registers: 'every instance',
    recordKind: "the database's subject-version epoch and its relay's last published Kafka transaction",
    retention: { kind: 'while-current', reason: 'one row; it tells the relay whether the database was restored from a backup' },
    legalBasis: `${TECHNICAL_BASIS}: holds no personal data`,
    sources: [DSGVO_ART_5],
  },
  {
    table: 'subject_holdings',
    registers: 'every instance',
    recordKind: "router: which registers hold or held a subject (afnemersindicatie)",
    retention: { kind: 'while-current', reason: 'the router delivers a death or a name change to every former holder by it, and an erasure also to the cadastre and rolls that listed the person as an owner; it cannot see when a holder deleted the person' },
    legalBasis: '§ 33 Abs. 1 BMG, § 57 PStV (the notices the holdings route); Art. 5 Abs. 1 lit. e DSGVO',
    sources: [DSGVO_ART_5],
    toBeConfirmed:
      "an erasure (PersonErased) ends the holdings of the person, and the end of a Melderegister's, a Land's or the BZSt's retention of the person ends its holding with its delivery key (delivery_keys); holdings without such a key (a Melderegister's of a birth registration id, a roll's or the cadastre's of a parcel's owner) end with an erasure only",
  },
  {
    table: 'delivered_versions',
    registers: 'every instance',
    recordKind: 'router: the version of a subject last delivered to each recipient (stamped on the next delivery for hold at a gap)',
    retention: { kind: 'while-current', reason: 'without it the next delivery carries no stamp and a recipient cannot hold at a gap; like subject_holdings, the router cannot see when a recipient deleted the person' },
    legalBasis: `${TECHNICAL_BASIS}: holds the subject id and a version number only`,
    sources: [DSGVO_ART_5],
    toBeConfirmed: 'with the data-protection officer, together with subject_holdings',
  },
  {
    table: 'recipient_state_deliveries',
    registers: 'every instance',
    recordKind: "router: a recipient's deliveries of a subject it still holds (its compacted state topic's record)",
    retention: {
      kind: 'while-current',
      reason:
        "a new database of the recipient starts from them; deleted with a tombstone when the subject leaves the recipient, is erased, the recipient's delivery key of it ends by retention (delivery_keys), or its sender re-keys it and no delivery after the re-key rewrites the record",
    },
    legalBasis: 'the legal basis of each delivery (routing catalog), which it repeats for the same recipient and fields only; Art. 5 Abs. 1 lit. e DSGVO',
    sources: [DSGVO_ART_5],
    toBeConfirmed:
      "with the data-protection officer: a record kept as long as its delivery key (a roll's parcel, a birth registration id: delivery_keys); a record rewritten after a re-key keeps the deliveries before it, which open no more, until the subject leaves the recipient",
  },
  {
    table: 'delivery_keys',
    registers: 'every instance',
    recordKind: "router: data key of a recipient's copy of a subject (sealing every delivery of the subject to that recipient), wrapped by the router's authority key",
    retention: {
      kind: 'as-recipient-keeps',
      reason:
        "deleted, with a tombstone on the recipient's key topic, when the person is erased, when the subject's sender re-keys it, or when the recipient's own retention of the person ends (a municipality's Melderegister: 55 years after the end of the year of the move away from the municipality or the death; a Land: the same for the move out of the Land; the BZSt: 20 years after the end of the year of the death): then the recipient's copy in the log no longer opens, the other recipients' copies do",
    },
    legalBasis:
      "the recipient's retention rule (§ 13 Abs. 2, § 14 Abs. 1 BMG for a municipality's Melderegister, § 55 BMG i. V. m. Landesrecht for a Land; § 139b AO for the BZSt), applied to its copy in the log; Art. 5 Abs. 1 lit. e DSGVO: holds the subject id, key ids and the dates that start the recipient's period",
    sources: [...BMG_13, ...BMG_14, ...AO_139B, DSGVO_ART_5],
    toBeConfirmed:
      "a municipality's deliveries about a person all go into its Melderegister (its Personenstandsregister receives none; its roll gets parcels, keyed by the parcel), so the Melderegister's period decides, from the moves and the death the router routes, the municipality's own registrations and MovedOut included. Kept until an erasure or re-key, as no period can be derived (safe side): a municipality's copy of a birth registration id (BirthRecorded, IdNrAssigned: the person's later events are keyed by the IdNr, and the Standesamt keeps the IdNr with the birth entry), a roll's copy of a parcel (kept while current; one that left the municipality keeps its key, as the roll must still open the ParcelLeftMunicipality and the parcel may come back). The municipality's own registration counts only where the router holds its key of the person: one routed before an older Rückmeldung to the municipality (a sender lagging by years) does not end the period that Rückmeldung starts, unless the registration's own Rückmeldung answers it",
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * The last instant a record is kept when its period started at `eventAt` (retention ends after it). For periods in
 * years, the end of a day (UTC): 23:59:59.999.
 */
export function keptUntil(period: RetentionPeriod, eventAt: Date): Date {
  if ('hours' in period) return new Date(eventAt.getTime() + period.hours * HOUR_MS);
  return new Date(lastDayKept(period, calendarDateOf(eventAt)).getTime() + DAY_MS - 1);
}

/**
 * The retention job's bound: a record whose period started before it is past its retention at `now`, one that
 * started at or after it is not. Exactly `keptUntil(period, eventAt) < now` ⇔ `eventAt < deletionCutoff(period, now)`
 * (property-tested), so the job can select with one comparison per table.
 */
export function deletionCutoff(period: RetentionPeriod, now: Date): Date {
  if ('hours' in period) return new Date(now.getTime() - period.hours * HOUR_MS);
  const today = calendarDateOf(now);
  // The first event day whose last day kept is today or later; lastDayKept is monotone, so an estimate and a few steps.
  let cutoff = addYears(today, -period.years);
  while (lastDayKept(period, addDays(cutoff, -1)) >= today) cutoff = addDays(cutoff, -1);
  while (lastDayKept(period, cutoff) < today) cutoff = addDays(cutoff, 1);
  return cutoff;
}

/** What the cockpit tells a person about the records of one kind a register keeps about them. */
export interface KeptRecordStatement {
  recordKind: string;
  legalBasis: string;
  /** The last day kept (YYYY-MM-DD, the latest of the records); null while a record is current and no period runs. */
  keptUntil: string | null;
  /** The rule in words: how long after what, and what then. */
  rule: string;
}

/**
 * The statement for a person's records under `rule`, given when each record's period started (null: it has not, the
 * record is current). The latest end counts; one current record keeps the kind current.
 */
export function keptRecordStatement(rule: RetentionRule, periodStarts: readonly (Date | null)[]): KeptRecordStatement {
  const { retention } = rule;
  const current = retention.kind !== 'timed' || periodStarts.length === 0 || periodStarts.some((start) => start === null);
  const ends = current || retention.kind !== 'timed' ? [] : periodStarts.map((start) => keptUntil(retention.period, start!).getTime());
  return {
    recordKind: rule.recordKind,
    legalBasis: rule.legalBasis,
    keptUntil: ends.length > 0 ? formatCalendarDate(new Date(Math.max(...ends))) : null,
    rule: retentionInWords(retention),
  };
}

const EVENT_WORDS: Record<RetentionEvent, string> = {
  MOVED_AWAY: 'moving away',
  DECEASED: 'death',
  BIRTH_RECORDED: 'the birth was recorded',
  NAME_CHANGE_RECORDED: 'the marriage or name change was recorded',
  TRANSFERRED: 'the transfer',
  PUBLISHED: 'publication',
  PROCESSED: 'processing',
  REQUEST_ANSWERED: 'the answer',
};

function retentionInWords(retention: Retention): string {
  if (retention.kind === 'while-current') return `kept while current: ${retention.reason}`;
  if (retention.kind === 'with-person-record') return "kept and deleted with the person's record";
  if (retention.kind === 'as-recipient-keeps') return `kept as long as the recipient's register keeps the person: ${retention.reason}`;
  if (retention.kind === 'as-own-registers-keep') return `kept as long as the authority's registers keep the person: ${retention.reason}`;
  const { period } = retention;
  const span = 'hours' in period ? `${period.hours} hours` : `${period.years} years`;
  const from = 'hours' in period || period.from === 'event-day' ? 'after' : 'after the end of the calendar year of';
  const then = retention.disposal === 'delete' ? 'then deleted' : 'then offered to the archive';
  return `kept ${span} ${from} ${retention.after.map((event) => EVENT_WORDS[event]).join(' or ')}, ${then}`;
}

/** The rule for a register's kind of record, for the cockpit. */
export function retentionRuleFor(register: RegisterKind, recordKind: string): RetentionRule | undefined {
  return RETENTION_CATALOG.find((rule) => rule.recordKind === recordKind && (rule.registers === 'every instance' || rule.registers.includes(register)));
}

function lastDayKept(period: Extract<RetentionPeriod, { years: number }>, eventDay: Date): Date {
  if (period.from === 'end-of-calendar-year') return new Date(Date.UTC(eventDay.getUTCFullYear() + period.years, 11, 31));
  return addYears(eventDay, period.years);
}

/** The same day `years` later; a 29 February becomes the 28th (§ 188 Abs. 3 BGB). */
function addYears(day: Date, years: number): Date {
  const year = day.getUTCFullYear() + years;
  const month = day.getUTCMonth();
  const lastOfMonth = new Date(Date.UTC(2000, month + 1, 0)).getUTCDate();
  const date = new Date(0);
  date.setUTCFullYear(year, month, Math.min(day.getUTCDate(), month === 1 && !isLeapYear(year) ? 28 : lastOfMonth));
  return date;
}

function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
