import { Inject, Injectable } from '@nestjs/common';
import { formatCalendarDate } from '@regsync/register-domain/calendar-date';
import { disclosedView, type BlockNotice } from '@regsync/register-domain/register-rules';
import { HOSTED_AUTHORITIES } from '@regsync/service-runtime/agency-api';
import type { HostedAuthority } from '@regsync/service-runtime/agency-api';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { informationBlocksOf } from './information-block-store';

/**
 * Every agency read of a person goes through here: the register's record with its address fields withheld while an
 * information block is in force, unless the calling agency is exempt (the rule: register-domain information-block.ts).
 */
@Injectable()
export class AddressDisclosure {
  constructor(
    private readonly database: AuthorityDatabase,
    @Inject(HOSTED_AUTHORITIES) private readonly authorities: readonly HostedAuthority[],
  ) {}

  async view<T extends { idnr: string | null }>(record: T, addressFields: readonly (keyof T)[], agency: string | undefined): Promise<T & { informationBlock: BlockNotice | null }> {
    const [view] = await this.views([record], addressFields, agency);
    return view;
  }

  async views<T extends { idnr: string | null }>(records: readonly T[], addressFields: readonly (keyof T)[], agency: string | undefined): Promise<(T & { informationBlock: BlockNotice | null })[]> {
    const blocks = await this.database.transaction((manager) => informationBlocksOf(manager, records.map((record) => record.idnr)));
    const exemptAgencies = this.authorities.find((authority) => authority.key === currentAuthority())?.blockExemptAgencies ?? [];
    const caller = { agency, exemptAgencies, today: formatCalendarDate(new Date()) };
    return records.map((record) => disclosedView(record, addressFields, record.idnr === null ? undefined : blocks.get(record.idnr), caller));
  }
}
