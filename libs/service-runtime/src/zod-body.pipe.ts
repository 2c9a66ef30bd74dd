import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';

/** Parses a request body (or query) with its zod schema; a ZodError becomes 400 in the HTTP error filter. */
export class ZodBodyPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  constructor(private readonly schema: Schema) {}

  transform(value: unknown): z.output<Schema> {
    return this.schema.parse(value ?? {});
  }
}

/**
 * The OpenAPI 3.0 Schema Object of a request schema (`nullable`, boolean `exclusiveMinimum`), for @ApiBody({ schema }),
 * with an example request. The example must pass the schema itself, so the documentation never shows a request we refuse.
 */
export function openApiSchemaOf<Schema extends z.ZodType>(schema: Schema, example: z.input<Schema>): Record<string, unknown> {
  const checked = schema.safeParse(example);
  if (!checked.success) throw new Error(`OpenAPI example does not pass its own schema: ${z.prettifyError(checked.error)}`);
  const { $schema: _ignored, ...openApiSchema } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...openApiSchema, example };
}
