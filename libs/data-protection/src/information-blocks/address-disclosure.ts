import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatCalendarDate } from '@regsync/register-domain/calendar-date';
import { disclosedView, type BlockNotice } from '@regsync/register-domain/registers/information-block';
import { BLOCK_EXEMPT_AGENCIES } from '@regsync/service-runtime/agency-api-key.guard';
import { informationBlocksOf } from './information-block-store';

/**
 * Every agency read of a person goes through here: the register's record with its address fields withheld while an
 * information block is in force, unless the calling agency is exempt (the rule: register-domain information-block.ts).
 */
@Injectable()
export class AddressDisclosure {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BLOCK_EXEMPT_AGENCIES) private readonly exemptAgencies: readonly string[],
  ) {}

  async view<T extends { idnr: string | null }>(record: T, addressFields: readonly (keyof T)[], agency: string | undefined): Promise<T & { informationBlock: BlockNotice | null }> {
    const [view] = await this.views([record], addressFields, agency);
    return view;
  }

  async views<T extends { idnr: string | null }>(records: readonly T[], addressFields: readonly (keyof T)[], agency: string | undefined): Promise<(T & { informationBlock: BlockNotice | null })[]> {
    const blocks = await informationBlocksOf(this.dataSource.manager, records.map((record) => record.idnr));
    const caller = { agency, exemptAgencies: this.exemptAgencies, today: formatCalendarDate(new Date()) };
    return records.map((record) => disclosedView(record, addressFields, record.idnr === null ? undefined : blocks.get(record.idnr), caller));
  }
}
