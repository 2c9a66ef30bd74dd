import { z } from 'zod';
import { openApiSchemaOf } from './zod-body.pipe';

const parcelChange = z.object({ areaSquareMetres: z.number().int().positive(), changeReason: z.string().nullable().default(null) });

describe('openApiSchemaOf', () => {
  it('writes OpenAPI 3.0 keywords, not JSON Schema 2020-12 ones: nullable and a boolean exclusiveMinimum', () => {
    const schema = openApiSchemaOf(parcelChange, { areaSquareMetres: 812 }) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.areaSquareMetres).toMatchObject({ type: 'integer', minimum: 0, exclusiveMinimum: true });
    expect(schema.properties.changeReason).toMatchObject({ type: 'string', nullable: true });
    expect(JSON.stringify(schema)).not.toMatch(/"type":"null"|\$schema/);
  });

  it('carries the example request', () => {
    expect(openApiSchemaOf(parcelChange, { areaSquareMetres: 812, changeReason: 'Teilung' }).example).toEqual({ areaSquareMetres: 812, changeReason: 'Teilung' });
  });

  it('refuses an example that its own schema rejects, naming the field', () => {
    expect(() => openApiSchemaOf(parcelChange, { areaSquareMetres: -1 })).toThrow(/does not pass its own schema[\s\S]*areaSquareMetres/);
  });
});
