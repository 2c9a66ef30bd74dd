import type { EntityManager } from 'typeorm';
import { awaitRueckmeldung, rueckmeldungAnswered, rueckmeldungSuperseded, type InformationBlockState } from '@regsync/register-domain/registers/information-block';
import type { ChangeOutcome } from '../admitted-transfer-handler';
import type { RegisterWrite } from '../register-write';

const SELECTED = `
  select idnr, kind, to_char(valid_until, 'YYYY-MM-DD') as "validUntil", round(extract(epoch from changed_at) * 1000)::bigint as "changedAt",
         awaiting_rueckmeldung_from as "awaitingRueckmeldungFrom"
    from information_blocks`;

type StoredBlock = InformationBlockState & { idnr: string };

/** The block held about one IdNr, locked for the change that follows. */
export async function lockInformationBlock(manager: EntityManager, idnr: string): Promise<InformationBlockState | undefined> {
  const [row] = (await manager.query(`${SELECTED} where idnr = $1 for update`, [idnr])) as StoredBlock[];
  return row && stateOf(row);
}

/** The blocks held about these IdNrs, for reads. */
export async function informationBlocksOf(manager: EntityManager, idnrs: readonly (string | null)[]): Promise<Map<string, InformationBlockState>> {
  const wanted = idnrs.filter((idnr): idnr is string => idnr !== null);
  if (wanted.length === 0) return new Map();
  const rows = (await manager.query(`${SELECTED} where idnr = any($1::text[])`, [wanted])) as StoredBlock[];
  return new Map(rows.map((row) => [row.idnr, stateOf(row)]));
}

function stateOf({ idnr: _idnr, changedAt, ...row }: StoredBlock): InformationBlockState {
  return { ...row, changedAt: Number(changedAt) };
}

/** A change of the block held about one IdNr; undefined leaves it as it is. */
export interface BlockChange {
  idnr: string;
  change: (existing: InformationBlockState | undefined) => InformationBlockState | undefined;
}

/**
 * Changes the blocks of many IdNrs with one locking read (in IdNr order, so two transactions cannot deadlock) and one
 * write: each change in turn gets the state the one before it left for its IdNr. Returns, per change, whether it
 * changed something.
 */
export async function changeInformationBlocks(manager: EntityManager, changes: readonly BlockChange[]): Promise<boolean[]> {
  if (changes.length === 0) return [];
  const idnrs = [...new Set(changes.map(({ idnr }) => idnr))].sort();
  const rows = (await manager.query(`${SELECTED} where idnr = any($1::text[]) order by idnr for update`, [idnrs])) as StoredBlock[];
  const current = new Map(rows.map((row) => [row.idnr, stateOf(row)]));
  const changed = new Map<string, InformationBlockState>();
  const took = changes.map(({ idnr, change }) => {
    const next = change(current.get(idnr));
    if (!next) return false;
    current.set(idnr, next);
    changed.set(idnr, next);
    return true;
  });
  if (changed.size === 0) return took;
  const written = [...changed];
  await manager.query(
    `insert into information_blocks (idnr, kind, valid_until, changed_at, awaiting_rueckmeldung_from, updated_at)
     select idnr, kind, valid_until, to_timestamp(changed_at / 1000), awaiting_rueckmeldung_from, now()
       from unnest($1::text[], $2::text[], $3::date[], $4::float8[], $5::text[]) as block (idnr, kind, valid_until, changed_at, awaiting_rueckmeldung_from)
     on conflict (authority_key, idnr) do update set kind = excluded.kind, valid_until = excluded.valid_until, changed_at = excluded.changed_at,
       awaiting_rueckmeldung_from = excluded.awaiting_rueckmeldung_from, updated_at = now()`,
    [
      written.map(([idnr]) => idnr),
      written.map(([, state]) => state.kind),
      written.map(([, state]) => state.validUntil),
      written.map(([, state]) => state.changedAt),
      written.map(([, state]) => state.awaitingRueckmeldungFrom),
    ],
  );
  return took;
}

export function informationBlockWrite(idnr: string, state: InformationBlockState): RegisterWrite {
  return {
    sql: `insert into information_blocks (idnr, kind, valid_until, changed_at, awaiting_rueckmeldung_from, updated_at)
          values ($1, $2, $3, to_timestamp($4::float8 / 1000), $5, now())
          on conflict (authority_key, idnr) do update set kind = excluded.kind, valid_until = excluded.valid_until, changed_at = excluded.changed_at,
            awaiting_rueckmeldung_from = excluded.awaiting_rueckmeldung_from, updated_at = now()`,
    parameters: [idnr, state.kind, state.validUntil, state.changedAt, state.awaitingRueckmeldungFrom],
  };
}

/**
 * A set or lift received from another Meldebehörde. Applied only where the register holds the person (now or
 * formerly): a register that never held them stores nothing about them, and logs no transfer.
 */
export async function applyReceivedBlock<E extends { idnr: string }>(
  manager: EntityManager,
  holdsPerson: boolean,
  event: E,
  reduce: (existing: InformationBlockState | undefined, event: E) => InformationBlockState | undefined,
): Promise<ChangeOutcome> {
  if (!holdsPerson) return 'nothing-to-apply';
  const next = reduce(await lockInformationBlock(manager, event.idnr), event);
  return next ? informationBlockWrite(event.idnr, next) : 'nothing-to-apply';
}

/**
 * After a registration from elsewhere: reads withhold the new address until the previous Meldebehörde has answered the
 * Rückmeldung (rueckmeldungToAwait). Run in the transaction that stores the registration.
 */
export async function awaitRueckmeldungOf(manager: EntityManager, idnr: string, fromMunicipalityKey: string): Promise<void> {
  const { sql, parameters } = informationBlockWrite(idnr, awaitRueckmeldung(await lockInformationBlock(manager, idnr), fromMunicipalityKey));
  await manager.query(sql, parameters);
}

/**
 * The previous Meldebehörde's MovedOut ends the wait, and so does a later move away (fromMunicipalityKey undefined);
 * false: nothing was awaited.
 */
export async function endRueckmeldungWait(manager: EntityManager, idnr: string, fromMunicipalityKey?: string): Promise<boolean> {
  const existing = await lockInformationBlock(manager, idnr);
  const next = fromMunicipalityKey === undefined ? rueckmeldungSuperseded(existing) : rueckmeldungAnswered(existing, fromMunicipalityKey);
  if (!next) return false;
  const { sql, parameters } = informationBlockWrite(idnr, next);
  await manager.query(sql, parameters);
  return true;
}
