import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Admin, ResourcePatternTypes } from 'kafkajs';
import type { BrokerAcl } from '@regsync/contracts/broker-access';

/** brokerAclsOf's rules as kafkajs ACL entries (ALLOW from any host). */
function aclEntries(acls: readonly BrokerAcl[]) {
  return acls.map((acl) => ({
    principal: acl.principal,
    resourceType: AclResourceTypes[acl.resourceType],
    resourceName: acl.resourceName,
    resourcePatternType: ResourcePatternTypes[acl.patternType],
    operation: AclOperationTypes[acl.operation],
    permissionType: AclPermissionTypes.ALLOW,
    host: '*',
  }));
}

/** Creates the ACLs in one request; an ACL that exists already stays as it is. Needs a super user's admin client. */
export async function createBrokerAcls(admin: Admin, acls: readonly BrokerAcl[]): Promise<void> {
  await admin.createAcls({ acl: aclEntries(acls) });
}

export async function deleteBrokerAcls(admin: Admin, acls: readonly BrokerAcl[]): Promise<void> {
  await admin.deleteAcls({ filters: aclEntries(acls) });
}
