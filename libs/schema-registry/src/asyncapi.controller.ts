import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { asyncApiDocumentOf } from '@regsync/contracts/registry-protocol';
import { latestSchemas } from '@regsync/contracts/event-encoding';
import { KAFKA_HEADERS } from '@regsync/contracts/topics';

/** The machine-readable event catalogue for Kafka clients outside regsync; read-only and open, like the schemas themselves. */
@ApiTags('event catalogue')
@Controller()
export class AsyncApiController {
  private readonly schemas = latestSchemas();

  @Get('asyncapi.json')
  @ApiOperation({ summary: 'AsyncAPI 3.0 document of every regsync topic: channels, keys, headers, Avro payloads, Kafka bindings, dead-letter topics' })
  @ApiOkResponse({ description: 'the AsyncAPI document (JSON)' })
  asyncApi(@Req() request: Request): Record<string, unknown> {
    // This registry, as the client reached it: the address a consumer resolves the payloads' schema ids against.
    return asyncApiDocumentOf({ schemas: this.schemas, headers: KAFKA_HEADERS, schemaRegistryUrl: `${request.protocol}://${request.get('host') ?? 'localhost'}` });
  }
}
