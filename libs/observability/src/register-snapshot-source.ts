/**
 * One data set of a register that the ops dashboard compares between the authoritative register and its replicas,
 * e.g. the current address of every resident: the Melderegister of each municipality is authoritative, the
 * Landesmelderegister of each Land and the federal IdNr base data are replicas.
 *
 * The `sql` runs on the instance's own database and returns one row per subject with the columns
 * - `subject_id` (required): the Kafka key of the subject (IdNr, Flurstückskennzeichen);
 * - `scope` (optional, not compared): which replicas should hold the row, e.g. the AGS of the address;
 * - every other column: the compared fields, named and formatted identically on both sides (cast dates and
 *   numbers to text in SQL, so `2024-05-01` on one side is `2024-05-01` on the other).
 * An authoritative source returns only the rows it is currently authoritative for (a person who moved away is
 * returned by the new municipality, not by the old one).
 */
export interface RegisterSnapshotSource {
  /** The name both sides share, e.g. `person.residence`, `person.civil-status`, `parcel.tax-base`. */
  dataset: string;
  /** The register in this instance that holds the rows, e.g. MELDEREGISTER. */
  register: string;
  authoritative: boolean;
  /**
   * For a replica: the authoritative rows it should hold are those whose `scope` begins with this key, e.g. '03'
   * (every AGS of Niedersachsen) or '03404000' (Osnabrück only); absent or null = all rows.
   */
  replicaScope?: string | null;
  sql: string;
}

export const REGISTER_SNAPSHOT_SOURCES = Symbol('REGISTER_SNAPSHOT_SOURCES');

/**
 * The compared fields of the data set `person.residence`, from a register table with an `address` (jsonb) and a
 * `moved_in_on` (date): the authoritative Melderegister and every replica select them alike.
 */
export const PERSON_RESIDENCE_FIELDS = `address->>'street' as street, address->>'houseNumber' as house_number, address->>'postalCode' as postal_code,
               address->>'city' as city, address->>'municipalityKey' as municipality_key, moved_in_on::text as moved_in_on`;
