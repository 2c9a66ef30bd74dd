// Public entry: Restating a register to its recipients (after a catalog change).
export type { RegisterRestatement } from './restatement/register-restatement';
export type { RestatementResponse } from './restatement/register-restatement.controller';
export { RegisterRestatementModule } from './restatement/register-restatement.module';
