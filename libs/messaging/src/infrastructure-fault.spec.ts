import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { QueryFailedError } from 'typeorm';
import { EventDecodeError, SchemaRegistryUnavailableError, UnknownEventTypeError } from '@regsync/contracts/event-encoding';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { EventRejectedError } from './event-rejected-error';
import { isInfrastructureFault } from './infrastructure-fault';

function postgresError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isInfrastructureFault', () => {
  it('pauses for an unreachable registry and for an event type newer than the service', () => {
    expect(isInfrastructureFault(new SchemaRegistryUnavailableError('schema registry at http://registry unreachable'))).toBe(true);
    expect(isInfrastructureFault(new UnknownEventTypeError('schema 42 is de.regsync.person.PassportIssued'))).toBe(true);
  });

  it('pauses for a database that is gone, also inside TypeORM’s error', () => {
    expect(isInfrastructureFault(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isInfrastructureFault(postgresError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isInfrastructureFault(postgresError('08006', 'connection failure'))).toBe(true);
    expect(isInfrastructureFault(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isInfrastructureFault(new QueryFailedError('select 1', [], postgresError('57P03', 'the database system is starting up')))).toBe(true);
  });

  it('pauses for a broker it cannot reach', () => {
    expect(isInfrastructureFault(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(true);
  });

  it('leaves faults of the event to the retries and dead letters', () => {
    expect(isInfrastructureFault(new EventDecodeError('unknown schema id 7'))).toBe(false);
    expect(isInfrastructureFault(new EventRejectedError('not-authoritative', 'names come from the Standesamt only'))).toBe(false);
    expect(isInfrastructureFault(new DomainValidationError('idnr', 'check digit does not match'))).toBe(false);
    expect(isInfrastructureFault(new QueryFailedError('insert', [], postgresError('23505', 'duplicate key value violates unique constraint')))).toBe(false);
    expect(isInfrastructureFault(new KafkaJSNonRetriableError('message too large'))).toBe(false);
    expect(isInfrastructureFault(new Error('a handler bug'))).toBe(false);
  });
});
