// Building blocks of the operations: JSON bodies, the Location header, and error answers grouped by HTTP status from
// the error registry, so that a code's status in the document is always the one the engine answers with.
import { ERROR_REGISTRY, type ErrorCode } from '../errors.js';
import { ref, type JsonSchema } from './json-schema.js';

export type OpenApiObject = { [field: string]: unknown };

export function jsonContent(schema: JsonSchema): OpenApiObject {
  return { 'application/json': { schema } };
}

export function jsonResponse(description: string, schema: JsonSchema, withLocation = false): OpenApiObject {
  return {
    description,
    ...(withLocation ? { headers: { Location: { $ref: '#/components/headers/Location' } } } : {}),
    content: jsonContent(schema),
  };
}

/** Errors every operation can answer: an unexpected failure, and (unless the path is open) a missing token. */
const ALWAYS: readonly ErrorCode[] = ['Internal'];
const AUTHENTICATED: readonly ErrorCode[] = ['Unauthorized'];
/** Errors of every route that reads a JSON body. */
export const BODY_ERRORS: readonly ErrorCode[] = ['MalformedJson', 'InvalidRequestBody', 'UnsupportedMediaType', 'PayloadTooLarge'];

// An answer that follows an operation on (WaitTimeout) carries where to follow it. No route answers it any more (a
// waited operation that runs out of time answers its record, as upstream), but the code stays reserved.
const WITH_LOCATION: ReadonlySet<ErrorCode> = new Set(['WaitTimeout']);

/** One response per status, listing the codes answered with it. */
export function errorResponses(codes: readonly ErrorCode[], options: { open?: boolean } = {}): Record<string, OpenApiObject> {
  const all = [...codes, ...(options.open ? [] : AUTHENTICATED), ...ALWAYS];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(all)) {
    const status = ERROR_REGISTRY[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, OpenApiObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = `Error: ${list.map((c) => `\`${c}\``).join(', ')} (docs/admin/errors.md).`;
    responses[String(status)] = jsonResponse(description, ref('ErrorBody'), list.some((c) => WITH_LOCATION.has(c)));
  }
  return responses;
}

/** As errorResponses, for an operation that documents some of those statuses itself (a record or an ErrorBody). */
export function errorResponsesExcept(codes: readonly ErrorCode[], statuses: readonly string[], options: { open?: boolean } = {}): Record<string, OpenApiObject> {
  const responses = errorResponses(codes, options);
  for (const status of statuses) delete responses[status];
  return responses;
}
