import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSchemasDir } from '../src/event-schemas';
import { runSchemaGate } from '../src/schema-gate';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

interface SchemaJson {
  fields: { name: string; type: unknown; default?: unknown }[];
  [attribute: string]: unknown;
}

describe('schema compatibility gate', () => {
  it('passes every released schema in schemas/, unchanged (CI fails on a bad or edited released file)', () => {
    const report = runSchemaGate();
    expect(report.problems).toEqual([]);
    expect(report.unreleased).toEqual([]);
    expect(report.checked).toBeGreaterThanOrEqual(14);
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

  describe('on a copy of schemas/ with a next version of ResidenceRegistered', () => {
    let schemasDir: string;
    const v2 = () => JSON.parse(readFileSync(join(schemasDir, 'person/residence-registered.v2.avsc'), 'utf8')) as SchemaJson;
    const addV3 = (schema: SchemaJson) => writeFileSync(join(schemasDir, 'person/residence-registered.v3.avsc'), JSON.stringify(schema, null, 2));

    beforeEach(() => {
      schemasDir = mkdtempSync(join(tmpdir(), 'regsync-schemas-'));
      cpSync(findSchemasDir(), schemasDir, { recursive: true });
    });

    afterEach(() => rmSync(schemasDir, { recursive: true, force: true }));

    it('refuses a new field without a default: v3 cannot read what v1 and v2 wrote', () => {
      const schema = v2();
      addV3({ ...schema, fields: [...schema.fields, { name: 'moveReason', type: 'string' }] });

      const report = runSchemaGate(schemasDir);

      expect(report.passed).toBe(false);
      expect(report.problems).toEqual([
        'person/residence-registered.v3.avsc (FULL_TRANSITIVE): reader ResidenceRegistered (v3) cannot read data written by v1: field "moveReason" has no default (v1 does not write it)',
        'person/residence-registered.v3.avsc (FULL_TRANSITIVE): reader ResidenceRegistered (v3) cannot read data written by v2: field "moveReason" has no default (v2 does not write it)',
      ]);
    });

    it('refuses a removed field without a default: v1 and v2 readers cannot read what v3 writes', () => {
      const schema = v2();
      addV3({ ...schema, fields: schema.fields.filter((field) => field.name !== 'movedInOn') });

      const report = runSchemaGate(schemasDir);

      expect(report.passed).toBe(false);
      expect(report.problems).toEqual([
        'person/residence-registered.v3.avsc (FULL_TRANSITIVE): reader ResidenceRegistered (v1) cannot read data written by v3: field "movedInOn" has no default (v3 does not write it)',
        'person/residence-registered.v3.avsc (FULL_TRANSITIVE): reader ResidenceRegistered (v2) cannot read data written by v3: field "movedInOn" has no default (v3 does not write it)',
      ]);
    });

    it('refuses a dwelling status symbol v1 and v2 readers do not know', () => {
      const schema = v2();
      const fields = schema.fields.map((field) =>
        field.name === 'dwellingStatus' ? { ...field, type: { ...(field.type as object), symbols: ['HAUPTWOHNUNG', 'NEBENWOHNUNG', 'ALLEINIGE_WOHNUNG'] } } : field,
      );
      addV3({ ...schema, fields });

      expect(runSchemaGate(schemasDir).problems).toEqual([
        'person/residence-registered.v3.avsc (FULL_TRANSITIVE): reader ResidenceRegistered (v2) cannot read data written by v3: field "dwellingStatus": enum DwellingStatus in v2 lacks symbol "ALLEINIGE_WOHNUNG" that v3 writes, and has no default',
      ]);
    });

    it('accepts a compatible v3 and lists it as not yet released', () => {
      const schema = v2();
      addV3({ ...schema, fields: [...schema.fields, { name: 'moveReason', type: ['null', 'string'], default: null }] });

      const report = runSchemaGate(schemasDir);

      expect(report.problems).toEqual([]);
      expect(report.unreleased).toEqual(['person/residence-registered.v3.avsc']);
    });

    it('refuses an edit of a released file', () => {
      const schema = v2();
      writeFileSync(join(schemasDir, 'person/residence-registered.v2.avsc'), JSON.stringify({ ...schema, doc: 'edited after release' }, null, 2));

      expect(runSchemaGate(schemasDir).problems).toEqual(['person/residence-registered.v2.avsc: a released schema was edited; add a new version file instead']);
    });
  });
});
