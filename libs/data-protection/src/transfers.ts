// Public entry: Transfers of personal data: admission, the transfer log (§ 9 IDNrG) and the citizen's cockpit.
export { AdmittedTransferHandler } from './admitted-transfer-handler';
export { transferAdmission } from './transfer-admission';
export { TransferLog } from './transfer-log';
export type { TransferView } from './transfer-log';
export { TransferLogModule } from './transfer-log.module';
export { transferLogEntities, transferLogMigrations } from './transfer-log-schema';
export { COCKPIT_PEERS, TransferCockpit } from './transfer-cockpit';
export type { CockpitPeer, CockpitView } from './transfer-cockpit';
