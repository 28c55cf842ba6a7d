import { AUTH_ERRORS } from '@s3verless/auth'

/**
 * The HTTP status of every S3verless error code the adapter answers: one table, code → status.
 * Codes of the auth package come from its `AUTH_ERRORS` table. A code missing here is a server
 * error (500) only when it is not a client mistake; every client error has its row.
 *
 * `model.conflict` is 409 here; under `If-Match` the adapter answers 412 instead (see
 * {@link statusForCode}).
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'model.validation': 422,
  'model.unique': 409,
  'model.conflict': 409,
  'model.notFound': 404,
  'model.invalidId': 404,
  'model.restricted': 409,
  'model.indexNotReady': 503,
  'model.corrupt': 500,
  'model.definition': 500,
  'query.tooExpensive': 400,
  'query.invalidCursor': 400,
  'query.unknownField': 400,
  'query.unknownOperator': 400,
  'query.invalidFilter': 400,
  'query.invalidArgument': 400,
  'query.unknownRelation': 400,
  'query.noResults': 404,
  'query.multipleResults': 409,
  'store.notFound': 404,
  'store.preconditionFailed': 412,
  'store.conflict': 409,
  'store.throttled': 503,
  'store.unavailable': 503,
  'store.accessDenied': 503,
  'store.invalidRequest': 500,
  'settings.invalid': 500,
  'http.badRequest': 400,
  'http.unauthorized': 401,
  'http.forbidden': 403,
  'http.notFound': 404,
  'http.methodNotAllowed': 405,
  'http.payloadTooLarge': 413,
  'http.unsupportedMediaType': 415,
  'http.validation': 422,
  'http.internal': 500,
  'upload.invalid': 422,
  'upload.notFound': 404,
  'setup.unavailable': 403,
  'setup.done': 409,
  ...Object.fromEntries(Object.entries(AUTH_ERRORS).map(([code, { status }]) => [code, status])),
}

/**
 * The status for an error code; `model.conflict` (a stale version) is 412 when the client sent
 * `If-Match`, else 409. Unknown codes are 500.
 */
export function statusForCode(code: string, options: { ifMatch?: boolean } = {}): number {
  if (code === 'model.conflict' && options.ifMatch) return 412
  return HTTP_STATUS_BY_CODE[code] ?? 500
}
