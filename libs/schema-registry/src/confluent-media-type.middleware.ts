import type { NextFunction, Request, Response } from 'express';

/** What Confluent's registry answers with; its clients send it too. */
export const CONFLUENT_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Request media types parsed as JSON besides `application/json` (pass to startService's `jsonMediaTypes`). */
export const CONFLUENT_REQUEST_MEDIA_TYPES = [CONFLUENT_MEDIA_TYPE, 'application/vnd.schemaregistry+json'];

/** Answers registry routes with Confluent's media type (express keeps a content type that is already set). */
export function confluentMediaTypeMiddleware(_request: Request, response: Response, next: NextFunction): void {
  response.type(CONFLUENT_MEDIA_TYPE);
  next();
}
