/**
 * A register change as one SQL statement that the change leaves to AdmittedTransferHandler, which sends it together
 * with the transfer log rows in one statement (one round trip for both). It must not return rows.
 */
export interface RegisterWrite {
  sql: string;
  parameters: unknown[];
}
