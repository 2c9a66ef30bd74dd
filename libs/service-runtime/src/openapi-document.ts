import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency/idempotency-key';

export const AGENCY_API_KEY_SCHEME = 'agency-api-key';

/** The body of every error answer of httpErrorOf (http-error.ts), as an OpenAPI component. */
const httpErrorSchema: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'what went wrong, for a person reading logs' },
    code: { type: 'string', description: 'a stable code to branch on, e.g. subject-deceased, idempotency-key-reused, not-ready' },
    violations: {
      type: 'array',
      description: 'every broken rule of the request, each with its field (dotted path) and the rule',
      items: { type: 'object', required: ['field', 'rule'], properties: { field: { type: 'string' }, rule: { type: 'string' } } },
    },
  },
  example: { error: 'invalid request', violations: [{ field: 'idnr', rule: 'check digit does not match' }] },
};
const HTTP_ERROR_REF = { $ref: '#/components/schemas/HttpError' };

/**
 * Adds to a Nest-generated document what every operation of regsync answers by the one error mapping
 * (http-error.ts) and the agency API-key guard, so generated clients know them: 400 with the violations of a
 * agency body, 401/403 of the API key, 409/422/503 of idempotent agency writes, 413 of the body limit; every error
 * answer with the HttpError body. Descriptions a controller wrote stay first.
 */
export function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, HttpError: httpErrorSchema } };
  for (const pathItem of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(pathItem) as [string, OperationObject][]) {
      if (typeof operation !== 'object' || !operation?.responses) continue;
      addErrorResponses(method, operation);
    }
  }
  return document;
}

function addErrorResponses(method: string, operation: OperationObject): void {
  const secured = operation.security?.some((requirement) => AGENCY_API_KEY_SCHEME in requirement) ?? false;
  const idempotent = operation.parameters?.some((parameter) => 'name' in parameter && parameter.name === IDEMPOTENCY_KEY_HEADER) ?? false;
  if (operation.requestBody) addAnswer(operation, 413, 'request body larger than this instance accepts (violations: body)');
  // Agency bodies are parsed by their zod schema (ZodBodyPipe); other bodies (the registry's, the dashboard's) are not.
  if (secured && operation.requestBody) addAnswer(operation, 400, 'invalid request: every broken rule of the body, each with field and rule (violations); nothing is written');
  if (secured) {
    addAnswer(operation, 401, 'x-api-key missing or unknown');
    if (method !== 'get') addAnswer(operation, 403, 'the agency of this x-api-key may only read from this instance');
  }
  if (idempotent) {
    addAnswer(operation, 400, `${IDEMPOTENCY_KEY_HEADER} empty, too long or not printable ASCII`);
    addAnswer(operation, 409, `code idempotency-key-in-flight: a request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry later`);
    addAnswer(operation, 422, `code idempotency-key-reused: the ${IDEMPOTENCY_KEY_HEADER} was used for a different request`);
    addAnswer(operation, 503, 'code not-ready: the service is still starting (schema registry or broker not reached yet), or its database does not take writes yet (restored from a backup and not yet checked); retry after the Retry-After seconds; nothing is written');
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) >= 400 && response && !('$ref' in response) && !response.content) response.content = { 'application/json': { schema: HTTP_ERROR_REF } };
  }
}

/** Adds the answer, or appends to its description (a controller's 409 says its own codes; the idempotency code joins them). */
function addAnswer(operation: OperationObject, status: number, description: string): void {
  const existing = operation.responses[status] as ResponseObject | undefined;
  if (!existing) operation.responses[status] = { description };
  else if (!existing.description.includes(description)) existing.description = existing.description ? `${existing.description} — or ${description}` : description;
}
