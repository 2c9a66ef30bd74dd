import { MAX_SUBJECTS_PER_RESTATEMENT, restatementRequest } from './register-restatement';

describe('restatementRequest', () => {
  it('takes the subjects once each, who asked, and an optional correlation id', () => {
    expect(restatementRequest.parse({ subjects: ['36574261809', '36574261809'], requestedBy: ' Otto Operator (operator) ' })).toEqual({
      subjects: ['36574261809'],
      requestedBy: 'Otto Operator (operator)',
    });
    expect(restatementRequest.parse({ subjects: ['x'], requestedBy: 'o', correlationId: 'c-1' }).correlationId).toBe('c-1');
  });

  it.each([
    [{ requestedBy: 'o' }, 'subjects'],
    [{ subjects: [], requestedBy: 'o' }, 'subjects'],
    [{ subjects: [42], requestedBy: 'o' }, 'subjects'],
    [{ subjects: Array.from({ length: MAX_SUBJECTS_PER_RESTATEMENT + 1 }, (_v, i) => String(i)), requestedBy: 'o' }, 'subjects'],
    [{ subjects: ['x'] }, 'requestedBy'],
    [{ subjects: ['x'], requestedBy: '  ' }, 'requestedBy'],
    [{ subjects: ['x'], requestedBy: 'o', correlationId: 7 }, 'correlationId'],
  ])('refuses %j naming the field %s', (body, field) => {
    const result = restatementRequest.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });
});
