import type { AnyTableDescriptor } from '../register-store/table-descriptor';
import { civilStatusRecordsTable } from './civil-status-records.table';
import { idnrBaseDataTable } from './idnr-base-data.table';
import { informationBlocksTable } from './information-blocks.table';
import { parcelsTable, propertyTaxEntriesTable } from './parcel-facts.table';
import { residentsTable } from './residents.table';
import { secondaryResidencesTable } from './secondary-residences.table';
import { stateResidentsTable } from './state-residents.table';

/**
 * Every register table's descriptor, of whichever service: data protection finds a person's records in those that say
 * where (`personRecords`), in the databases that have them.
 */
export const EVERY_REGISTER_TABLE: readonly AnyTableDescriptor[] = [
  residentsTable,
  secondaryResidencesTable,
  civilStatusRecordsTable,
  propertyTaxEntriesTable,
  stateResidentsTable,
  parcelsTable,
  idnrBaseDataTable,
  informationBlocksTable,
];
