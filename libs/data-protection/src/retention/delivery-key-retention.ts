import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { COPY_RETENTION_TABLES, copyRetentionPeriodOf, RETENTION_CATALOG } from '@regsync/register-domain/retention';
import type { RegisterKind } from '@regsync/register-domain/authorities';
import { expireDeliveryKeys } from '../routing/delivery-keys';
import { ROUTING_OPTIONS, type RoutingOptions } from '../routing/delivery-router.handler';
import { RecipientState } from '../routing/recipient-state';
import { SubjectHoldings } from '../routing/subject-holdings';
import type { RetentionDeletion } from './retention.job';

const DELIVERY_KEYS_RULE = RETENTION_CATALOG.find(({ table }) => table === 'delivery_keys')!;

/**
 * The router's part of the retention job: deletes each delivery key whose recipient's retention of the person ended
 * (copy-retention.ts) and sends its tombstone to the recipient's key topic in the same transaction, so that copy of
 * the person in the log no longer opens; and, as the recipient keeps the person no more, ends its holding of the person
 * (subject-holdings.ts) and its state record (a tombstone on its state topic, recipient-state.ts). Each authority of
 * the router's database as itself (its outbox rows are its own).
 */
@Injectable()
export class DeliveryKeyRetention {
  private readonly recipientState: RecipientState;

  constructor(
    private readonly dataSource: DataSource,
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
    @Inject(ROUTING_OPTIONS) options: RoutingOptions,
  ) {
    this.recipientState = new RecipientState(options.namespace, options.providerOf);
  }

  async run(now: Date, batchSize: number): Promise<RetentionDeletion[]> {
    const authorities = ((await this.dataSource.query('select distinct authority_key from delivery_keys where retention_started_at is not null')) as { authority_key: string }[]).map(({ authority_key }) => authority_key);
    const deletions: RetentionDeletion[] = [];
    for (const register of Object.keys(COPY_RETENTION_TABLES) as RegisterKind[]) {
      const { period } = copyRetentionPeriodOf(register)!;
      let deleted = 0;
      for (const authority of authorities) {
        for (;;) {
          const released = await runAsAuthority(authority, () =>
            this.database.transaction(async (manager) => {
              const expired = await expireDeliveryKeys(manager, register, period, now, batchSize);
              await this.outbox.appendKeyErasures(manager, expired);
              await SubjectHoldings.forget(manager, expired.map(({ subject, recipient }) => ({ subject, holder: recipient })));
              // The key's id names the tombstone's outbox row: a shred committed once is one tombstone.
              await this.outbox.appendRecords(manager, await this.recipientState.forget(manager, expired.map(({ subject, recipient, keyId }) => ({ subject, recipient, eventId: keyId }))));
              return expired.length;
            }),
          );
          deleted += released;
          if (released < batchSize) break;
        }
      }
      deletions.push({ table: DELIVERY_KEYS_RULE.table, recordKind: `${DELIVERY_KEYS_RULE.recordKind}: ${register}`, legalBasis: DELIVERY_KEYS_RULE.legalBasis, deleted });
    }
    return deletions;
  }
}
