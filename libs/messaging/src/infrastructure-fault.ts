import { EventCodecNotReadyError, SchemaRegistryUnavailableError, UnknownEventTypeError } from '@regsync/contracts/event-encoding';
import { SubjectKeysUnavailableError } from './subject-key-ring';

// PostgreSQL SQLSTATEs of a server that is gone or not taking work: connection exceptions (class 08), shutdowns,
// "cannot connect now" while it starts, too many connections.
const DATABASE_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Whether a failure is the infrastructure's, not the event's: the schema registry, the database or the broker is
 * unavailable, or the event's type is newer than this service. Such a failure pauses the partition until it goes
 * away; it never dead-letters the event. Looks through the causes TypeORM and kafkajs wrap around the original.
 */
export function isInfrastructureFault(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (error instanceof SchemaRegistryUnavailableError || error instanceof UnknownEventTypeError || error instanceof EventCodecNotReadyError || error instanceof SubjectKeysUnavailableError) return true;
  const { code, name, retriable, message, cause, driverError } = error as { code?: unknown; name?: string; retriable?: boolean; message?: string; cause?: unknown; driverError?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || DATABASE_UNAVAILABLE_STATES.has(code) || NETWORK_ERROR_CODES.has(code))) return true;
  // node-postgres ends a lost connection with plain errors that carry no code.
  if (typeof message === 'string' && /^Connection terminated|^Client has encountered a connection error/.test(message)) return true;
  if (name?.startsWith('KafkaJS') && retriable === true) return true;
  return isInfrastructureFault(driverError, depth + 1) || isInfrastructureFault(cause, depth + 1);
}
