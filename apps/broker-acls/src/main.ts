// One-shot: creates the broker ACLs of a topology (brokerAclsOf, libs/contracts/src/broker-acls.ts) as the admin, for a
// broker that no operator manages ACLs for (docker-compose.yml; Strimzi applies deploy/kafka/users.yaml instead).
import { logLevel } from 'kafkajs';
import { brokerAclsOf } from '@regsync/contracts/broker-access';
import { createBrokerAcls, kafkaClient } from '@regsync/messaging/broker';
import { exitOnStartupError } from '@regsync/service-runtime/service-startup';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';
import { loadBrokerAclsConfig, topologyInstances } from './config';

async function main(): Promise<void> {
  const config = loadBrokerAclsConfig();
  const instances = topologyInstances(config.TOPOLOGY_FILE);
  const acls = brokerAclsOf(instances, config.NAMESPACE);
  const admin = kafkaClient(kafkaConnectionOf(config), { clientId: 'regsync-broker-acls', logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    await createBrokerAcls(admin, acls);
  } finally {
    await admin.disconnect();
  }
  console.log(`broker-acls: ${acls.length} ACLs for ${instances.length} register instances, the router, the ops dashboard and replay`);
}

main().catch(exitOnStartupError);
