// Public entry: Who may do what on the broker: principals and ACLs.
export { brokerAclsOf } from './broker-acls';
export type { BrokerAcl, BrokerInstance } from './broker-acls';
export { ADMIN_PRINCIPAL, brokerPrincipalOf, brokerPrincipalsOf, registerProcessesOf, SERVICE_PRINCIPALS } from './broker-principals';
export type { RegisterProcess } from './broker-principals';
