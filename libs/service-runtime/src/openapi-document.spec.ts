import type { OpenAPIObject } from '@nestjs/swagger';
import { withErrorResponses } from './openapi-document';

const secured = [{ 'agency-api-key': [] }];
const idempotencyKey = { name: 'Idempotency-Key', in: 'header' as const, required: false };

function documentWith(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: {} };
}

describe('withErrorResponses', () => {
  const document = withErrorResponses(
    documentWith({
      '/residences': {
        post: {
          security: secured,
          parameters: [idempotencyKey],
          requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { '201': { description: 'registered' }, '409': { description: 'code subject-deceased: the person is deceased' } },
        },
      },
      '/residents': { get: { security: secured, responses: { '200': { description: 'the residents' } } } },
      '/health': { get: { responses: { '200': { description: 'ready' } } } },
    }),
  );
  const write = document.paths['/residences'].post!.responses;
  const read = document.paths['/residents'].get!.responses;

  it('gives an idempotent agency write every answer of the error mapping, each with the HttpError body', () => {
    expect(Object.keys(write).sort()).toEqual(['201', '400', '401', '403', '409', '413', '422', '503']);
    for (const status of ['400', '401', '403', '409', '413', '422', '503']) expect(write[status]).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/HttpError' } } } });
    expect(document.components?.schemas?.HttpError).toMatchObject({ required: ['error'], properties: { violations: { type: 'array' } } });
  });

  it("keeps the controller's 409 description first and adds the idempotency code to it", () => {
    expect(write['409']).toMatchObject({ description: expect.stringMatching(/^code subject-deceased: the person is deceased — or code idempotency-key-in-flight/) });
  });

  it('documents 401 on a secured read but no 403, which only a read-only agency gets on a write', () => {
    expect(Object.keys(read).sort()).toEqual(['200', '401']);
  });

  it('leaves an open operation without a body as it was', () => {
    expect(document.paths['/health'].get!.responses).toEqual({ '200': { description: 'ready' } });
  });
});
