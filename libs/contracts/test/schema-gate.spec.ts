import { join } from 'node:path';
import { runSchemaGate } from '../src/schema-gate';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

describe('schema compatibility gate', () => {
  it('passes every released schema in schemas/, unchanged', () => {
    const report = runSchemaGate();
    expect(report.problems).toEqual([]);
    expect(report.unreleased).toEqual([]);
    expect(report.checked).toBeGreaterThanOrEqual(12);
  });

  it('accepts a new version that adds an optional field with a default', () => {
    expect(runSchemaGate(fixture('evolving')).problems).toEqual([]);
  });

  it('rejects a new version that adds a required field and removes one, naming both fields', () => {
    const report = runSchemaGate(fixture('breaking'));
    expect(report.passed).toBe(false);
    const text = report.problems.join('\n');
    expect(text).toContain('person/moved-out.v2.avsc (FULL_TRANSITIVE)');
    expect(text).toMatch(/movedOutReason/);
    expect(text).toMatch(/toMunicipalityKey/);
  });
});
