import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { MAX_SUBJECTS_PER_RESTATEMENT, restatementRequestOf } from './register-restatement';

const newId = () => 'generated';

describe('restatementRequestOf', () => {
  it('takes the subjects once each, who asked, and a correlation id (a new one when none is given)', () => {
    expect(restatementRequestOf({ subjects: ['36574261809', '36574261809'], requestedBy: ' Otto Operator (operator) ' }, newId)).toEqual({
      subjects: ['36574261809'],
      requestedBy: 'Otto Operator (operator)',
      correlationId: 'generated',
    });
    expect(restatementRequestOf({ subjects: ['x'], requestedBy: 'o', correlationId: 'c-1' }, newId).correlationId).toBe('c-1');
  });

  it.each([
    [{ requestedBy: 'o' }, 'subjects'],
    [{ subjects: [], requestedBy: 'o' }, 'subjects'],
    [{ subjects: [42], requestedBy: 'o' }, 'subjects'],
    [{ subjects: Array.from({ length: MAX_SUBJECTS_PER_RESTATEMENT + 1 }, (_v, i) => String(i)), requestedBy: 'o' }, 'subjects'],
    [{ subjects: ['x'] }, 'requestedBy'],
    [{ subjects: ['x'], requestedBy: '  ' }, 'requestedBy'],
    [{ subjects: ['x'], requestedBy: 'o', correlationId: 7 }, 'correlationId'],
    [null, 'subjects'],
  ])('refuses %j naming the field %s', (body, field) => {
    expect(() => restatementRequestOf(body, newId)).toThrow(DomainValidationError);
    try {
      restatementRequestOf(body, newId);
    } catch (error) {
      expect((error as DomainValidationError).field).toBe(field);
    }
  });
});
