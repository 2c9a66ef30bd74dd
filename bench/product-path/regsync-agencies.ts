import { AgencyClient } from '@regsync/local-stack/agency-client';
import type { LocalStack } from '@regsync/local-stack/local-stack';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import type { SubmitAction } from './product-path-run';

/** Citizen actions to regsync's agency API of each municipality, with its agency key. */
export function regsyncSubmitter(stack: LocalStack): SubmitAction {
  const clients = new Map<string, AgencyClient>();
  return async (action) => {
    let client = clients.get(action.municipalityKey);
    if (!client) clients.set(action.municipalityKey, (client = AgencyClient.of(stack, 'municipal-register', action.municipalityKey)));
    return (await client.registerResidence(action.body, action.correlationId)).status;
  };
}

/** The database of every register instance of the stack, each holding its transfer log. */
export function registerDatabasesOf(stack: LocalStack, namespace: string): string[] {
  return stack.topology.instances.map((instance) => instanceDatabaseName(instance.app.replace('-register', ''), instance.instanceKey, namespace));
}
