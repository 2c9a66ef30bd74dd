import { ParcelFactsTableCreation } from '@regsync/persistence/register-table-catalog';

export class ParcelsTable1760000410000 extends ParcelFactsTableCreation {
  protected readonly table = 'parcels';
}
