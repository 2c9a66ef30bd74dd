// Public entry: Deleting what is kept too long, and erasing a person.
export { KeptRecords } from './retention/kept-records';
export type { KeptRecord } from './retention/kept-records';
export { RetentionJob } from './retention/retention.job';
export { RetentionModule } from './retention/retention.module';
export { PersonErasureModule } from './erasure/person-erasure.module';
