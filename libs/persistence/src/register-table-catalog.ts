// Public entry: The descriptor of every register table (and the first migration the two parcel-fact tables share).
export { civilStatusRecordsTable } from './register-tables/civil-status-records.table';
export { EVERY_REGISTER_TABLE } from './register-tables/every-register-table';
export { idnrBaseDataTable } from './register-tables/idnr-base-data.table';
export { informationBlocksTable } from './register-tables/information-blocks.table';
export type { HeldInformationBlock } from './register-tables/information-blocks.table';
export { ParcelFactsTableCreation } from './register-tables/parcel-facts-creation.migration';
export { parcelsTable, propertyTaxEntriesTable } from './register-tables/parcel-facts.table';
export { residentsTable } from './register-tables/residents.table';
export { secondaryResidencesTable } from './register-tables/secondary-residences.table';
export { stateResidentsTable } from './register-tables/state-residents.table';
