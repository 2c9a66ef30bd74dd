import { UnauthorizedException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { RegisterRejection } from '@regsync/register-domain/register-rules';
import { DomainValidationError, ValidationErrors } from '@regsync/register-domain/validation-error';
import { httpErrorOf } from './http-error';
import { idnrField, postalAddressField } from './request-fields';

describe('httpErrorOf', () => {
  it('answers a broken domain rule with 400, its field and its rule', () => {
    expect(httpErrorOf(new DomainValidationError('idnr', 'check digit does not match'))).toEqual({ status: 400, body: { error: 'invalid request', violations: [{ field: 'idnr', rule: 'check digit does not match' }] } });
    expect(httpErrorOf(new ValidationErrors([{ field: 'a', rule: 'x' }, { field: 'b', rule: 'y' }])).body.violations).toHaveLength(2);
  });

  it('names every invalid and missing field of a request body, with the domain rule as the text', () => {
    const schema = z.object({ idnr: idnrField, address: postalAddressField, name: z.string() });
    const result = schema.safeParse({ idnr: '36574261808', address: { street: 'A', houseNumber: '1', postalCode: '1', city: 'B', municipalityKey: '03999999' } });
    expect(httpErrorOf(result.error).body.violations).toEqual(
      expect.arrayContaining([
        { field: 'idnr', rule: 'check digit does not match' },
        { field: 'name', rule: 'is required' },
        { field: 'address.postalCode', rule: 'must be 5 digits' },
        { field: 'address.municipalityKey', rule: 'unknown municipality' },
      ]),
    );
  });

  it('answers a refused register change with 409 and its code, an oversize body with 413, an unknown error with 500', () => {
    expect(httpErrorOf(new RegisterRejection('subject-deceased', 'x is deceased'))).toEqual({ status: 409, body: { error: 'x is deceased', code: 'subject-deceased' } });
    expect(httpErrorOf(Object.assign(new Error('too large'), { type: 'entity.too.large', limit: 65536 })).status).toBe(413);
    expect(httpErrorOf(new UnauthorizedException('x-api-key: unknown API key'))).toEqual({ status: 401, body: { error: 'x-api-key: unknown API key' } });
    expect(httpErrorOf(new Error('database password is hunter2'))).toEqual({ status: 500, body: { error: 'internal error' } });
  });

  it('answers a write the database does not take yet (57P03: starting, or restored and not yet checked by the relay) with 503 not-ready', () => {
    const refused = new QueryFailedError('with draft as (...)', [], Object.assign(new Error('outbox: this database has not been checked against Kafka by its relay yet'), { code: '57P03' }));
    expect(httpErrorOf(refused)).toEqual({ status: 503, body: { error: 'not ready: the database does not take writes yet; retry shortly', code: 'not-ready' } });
  });
});
