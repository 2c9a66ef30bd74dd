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
    const queryRunner = this.createQueryRunner();
    try {
      await this.begin(queryRunner);
      const result = await work(queryRunner.manager);
      await queryRunner.commitTransaction();
      return result;
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await queryRunner.release();
    }
  }

  /** A query runner of the pool, for callers that run their own transaction and `begin` it. */
  createQueryRunner(): QueryRunner {
    return this.dataSource.createQueryRunner();
  }

  /**
   * Opens a transaction on `queryRunner` that acts as the current authority. START TRANSACTION and SET LOCAL ROLE go
   * in one round trip (two statements in one simple query: a round trip is what a transaction pays most for on a
   * loaded machine); then the runner counts its transaction open as its own startTransaction would, so commit,
   * rollback and nested transactions (savepoints) work as usual.
   */
  async begin(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.isTransactionActive) throw new Error('AuthorityDatabase.begin: the query runner has a transaction open already');
    try {
      await queryRunner.query(`start transaction; set local role ${this.roleOfCurrentAuthority()}`);
    } catch (error) {
      await queryRunner.query('rollback').catch(() => undefined);
      throw error;
    }
    const runner = queryRunner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    runner.isTransactionActive = true;
    runner.transactionDepth = 1;
  }

  /** Makes the open transaction of `queryRunner` act as the current authority (after statements as the owner). */
  async enter(queryRunner: QueryRunner): Promise<void> {
    if (!queryRunner.isTransactionActive) throw new Error('AuthorityDatabase.enter: needs an open transaction (SET LOCAL ends with it)');
    await queryRunner.query(`set local role ${this.roleOfCurrentAuthority()}`);
  }

  private roleOfCurrentAuthority(): string {
    return quotedIdentifier(authorityRoleOf(this.databaseName, currentAuthority()));
  }
}
