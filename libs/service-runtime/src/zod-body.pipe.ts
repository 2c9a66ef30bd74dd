import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';

/** Parses a request body (or query) with its zod schema; a ZodError becomes 400 in the HTTP error filter. */
export class ZodBodyPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  constructor(private readonly schema: Schema) {}

  transform(value: unknown): z.output<Schema> {
    return this.schema.parse(value ?? {});
  }
}

/** The OpenAPI (JSON Schema) form of a request schema, for @ApiBody({ schema }). */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
}
