import { AgencyClient, type AgencyResponse } from '@regsync/local-stack/agency-client';
import type { LocalStack } from '@regsync/local-stack/local-stack';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import type { CitizenAction } from './citizen-workload';
import type { SubmitAction } from './product-path-run';

/** The agency call of each kind of action, as the agency's backend makes it. */
const CALLS: Record<CitizenAction['kind'], (client: AgencyClient, action: CitizenAction) => Promise<AgencyResponse>> = {
  registration: (client, action) => client.registerResidence(action.body, action.correlationId),
  'move within a Land': (client, action) => client.registerResidence(action.body, action.correlationId),
  'move across Länder': (client, action) => client.registerResidence(action.body, action.correlationId),
  birth: (client, action) => client.recordBirth(action.body, action.correlationId),
  'name change': (client, action) => client.recordNameChange(action.body, action.correlationId),
  death: (client, action) => client.recordDeath(action.body, action.correlationId),
  'parcel change': (client, action) => client.recordParcel(action.body, action.correlationId),
};

/**
 * Citizen actions to regsync's agency API — of the municipality, or for a parcel of its Land's cadastre — with the
 * agency key of that authority; `onAnswer` sees each answer (e.g. the birthRegistrationId of a birth).
 */
export function regsyncSubmitter(stack: LocalStack, onAnswer?: (action: CitizenAction, answer: AgencyResponse) => void): SubmitAction {
  const clients = new Map<string, AgencyClient>();
  const clientOf = (app: 'municipal-register' | 'state-register', instanceKey: string) =>
    clients.get(`${app}/${instanceKey}`) ?? clients.set(`${app}/${instanceKey}`, AgencyClient.of(stack, app, instanceKey)).get(`${app}/${instanceKey}`)!;
  return async (action) => {
    const client = action.kind === 'parcel change' ? clientOf('state-register', action.municipalityKey.slice(0, 2)) : clientOf('municipal-register', action.municipalityKey);
    const answer = await CALLS[action.kind](client, action);
    onAnswer?.(action, answer);
    return answer.status;
  };
}

/** The database of every register instance of the stack, each holding its transfer log. */
export function registerDatabasesOf(stack: LocalStack, namespace: string): string[] {
  return stack.topology.instances.map((instance) => instanceDatabaseName(instance.app.replace('-register', ''), instance.instanceKey, namespace));
}
