import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { currentAuthority } from './authority-context';
import { authorityRoleOf, quotedIdentifier } from './authority-roles';

/**
 * The one way an authority's unit of work reaches the database: a transaction that first takes the role of
 * `currentAuthority()` (SET LOCAL ROLE, undone at commit or rollback), so row-level security shows and accepts that
 * authority's rows only. Reads too: outside such a transaction the tables show nothing to an authority.
 */
export class AuthorityDatabase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly databaseName: string,
  ) {}

  /** Runs `work` in a new transaction as the current authority. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const role = this.roleOfCurrentAuthority();
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`set local role ${role}`);
      return work(manager);
    });
  }

  /** A query runner of the pool, for callers that run their own transaction and `enter` it. */
  createQueryRunner(): QueryRunner {
    return this.dataSource.createQueryRunner();
  }

  /** Makes the open transaction of `queryRunner` act as the current authority (for callers that run their own). */
  async enter(queryRunner: QueryRunner): Promise<void> {
    if (!queryRunner.isTransactionActive) throw new Error('AuthorityDatabase.enter: needs an open transaction (SET LOCAL ends with it)');
    await queryRunner.query(`set local role ${this.roleOfCurrentAuthority()}`);
  }

  private roleOfCurrentAuthority(): string {
    return quotedIdentifier(authorityRoleOf(this.databaseName, currentAuthority()));
  }
}
