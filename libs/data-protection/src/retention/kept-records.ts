import { Injectable } from '@nestjs/common';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { keptRecordStatement, RETENTION_CATALOG, type KeptRecordStatement } from '@regsync/register-domain/retention';
import { schemaTables } from '../schema-tables';
import { PERSON_RECORD_LOOKUPS } from './retention-targets';

/** One kind of record a register of this instance keeps about a person, how many, until when and why. */
export interface KeptRecord extends KeptRecordStatement {
  instanceKey: string;
  register: string;
  records: number;
}

/** What this instance keeps about a person until when (retention-catalog.ts applied to the person's records). */
@Injectable()
export class KeptRecords {
  constructor(private readonly database: AuthorityDatabase) {}

  async forIdnr(idnr: string): Promise<KeptRecord[]> {
    const instanceKey = currentAuthority();
    return this.database.transaction(async (manager) => {
      const tables = await schemaTables(manager);
      const kept: KeptRecord[] = [];
      for (const lookup of PERSON_RECORD_LOOKUPS.filter(({ table }) => tables.has(table))) {
        const rule = RETENTION_CATALOG.find(({ table, recordKind }) => table === lookup.table && recordKind === lookup.recordKind);
        if (!rule) throw new Error(`kept records: no retention rule for ${lookup.table} / ${lookup.recordKind}`);
        const rows = (await manager.query(lookup.sql, [[idnr]])) as { register: string; started_at: Date | null }[];
        for (const register of new Set(rows.map((row) => row.register))) {
          const starts = rows.filter((row) => row.register === register).map(({ started_at }) => started_at);
          kept.push({ instanceKey, register, records: starts.length, ...keptRecordStatement(rule, starts) });
        }
      }
      return kept;
    });
  }
}
