import { randomBytes } from 'node:crypto';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { MUNICIPALITIES } from '../product-path/citizen-workload';

/**
 * The fair baseline's services, one process each like regsync's: an agency API per municipality (Melderegister), and
 * the two recipients of an Anmeldung in regsync, the Land mirror (Landesmelderegister) of each Land and the BZSt.
 */
export type BaselineRole = 'municipality' | 'land' | 'bzst';

export interface BaselineService {
  role: BaselineRole;
  /** AGS of a municipality, Land code, or DE. */
  instanceKey: string;
  /** HTTP port (municipalities only). */
  port?: number;
  /** The agency API key (municipalities only). */
  apiKey?: string;
}

/** What each baseline process gets as JSON in argv[2]. */
export interface BaselineProcessSpec extends BaselineService {
  namespace: string;
  topic: string;
  kafka: KafkaConnection;
  databaseUrl: string;
}

export function baselineServices(portBase: number): BaselineService[] {
  return [
    ...MUNICIPALITIES.map((municipality, index) => ({
      role: 'municipality' as const,
      instanceKey: municipality.ags,
      port: portBase + index,
      apiKey: randomBytes(16).toString('hex'),
    })),
    { role: 'land', instanceKey: '03' },
    { role: 'land', instanceKey: '14' },
    { role: 'bzst', instanceKey: 'DE' },
  ];
}

/** One topic for every Anmeldung, keyed by IdNr (order per person), as one `emit` pattern of a NestJS team. */
export function baselineTopicOf(namespace: string): string {
  return `${namespace}.baseline.residence-registered`;
}

export function baselineDatabaseOf(service: Pick<BaselineService, 'role' | 'instanceKey'>, namespace: string): string {
  return instanceDatabaseName(`baseline_${service.role}`, service.instanceKey, namespace);
}

export function baselineConsumerGroupOf(service: Pick<BaselineService, 'role' | 'instanceKey'>, namespace: string): string {
  return `${namespace}.baseline.${service.role}.${service.instanceKey}`;
}

/** The event the municipality emits, as JSON (dates as ISO strings, what NestJS's serializer makes of them). */
export interface ResidenceRegisteredJson {
  eventId: string;
  correlationId: string;
  occurredAt: string;
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: string;
  dateOfBirth: string;
  address: { street: string; houseNumber: string; postalCode: string; city: string; municipalityKey: string };
  movedInOn: string;
  previousAddress: ResidenceRegisteredJson['address'] | null;
  dwellingStatus: string;
}

/** A Land mirror keeps the residents of its own Land; the BZSt (§ 139b AO) every main dwelling. */
export function isRecipientOf(service: Pick<BaselineService, 'role' | 'instanceKey'>, event: Pick<ResidenceRegisteredJson, 'address' | 'dwellingStatus'>): boolean {
  if (service.role === 'land') return event.address.municipalityKey.startsWith(service.instanceKey);
  if (service.role === 'bzst') return event.dwellingStatus === 'HAUPTWOHNUNG';
  return false;
}
