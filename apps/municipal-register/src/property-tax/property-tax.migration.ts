import { ParcelFactsTableCreation } from '@regsync/persistence/register-table-catalog';

export class PropertyTaxTable1760000320000 extends ParcelFactsTableCreation {
  protected readonly table = 'property_tax_entries';
}
