import { ERROR_CODES } from '@s3verless/core'

/**
 * Codes only the HTTP adapter raises (malformed requests, missing sign-in, first-admin setup), with
 * their statuses. Every other code's status comes from core's `ERROR_CODES` table.
 */
export const HTTP_ERROR_CODES = {
  'http.badRequest': { status: 400, meaning: 'The request is malformed (a body that is not JSON, a bad header).' },
  'http.unauthorized': { status: 401, meaning: 'The route needs a signed-in user: send Authorization: Bearer <access token>.' },
  'http.forbidden': { status: 403, meaning: 'The user lacks the role, or a form failed its CSRF check.' },
  'http.notFound': { status: 404, meaning: 'No such route.' },
  'http.methodNotAllowed': { status: 405, meaning: 'The route does not take this method; `Allow` lists the ones it takes.' },
  'http.preconditionFailed': {
    status: 412,
    meaning: 'An `If-Match` named no current version, or `If-None-Match: *` found the record already there.',
  },
  'http.payloadTooLarge': { status: 413, meaning: 'The body is larger than allowed.' },
  'http.unsupportedMediaType': { status: 415, meaning: 'The body is not of the expected media type (application/json).' },
  'http.validation': { status: 422, meaning: 'A query string or body of the wrong shape; `errors` names each member.' },
  'http.internal': { status: 500, meaning: 'An unexpected server error (not revealed).' },
  'setup.unavailable': { status: 403, meaning: 'First-admin setup is off, or the setup token is wrong.' },
  'setup.done': { status: 409, meaning: 'The first admin was already made.' },
} as const satisfies Record<string, { status: number; meaning: string }>

/**
 * The HTTP status of every error code the adapter answers: one table, code → status, made of
 * core's `ERROR_CODES` (every package's codes) and {@link HTTP_ERROR_CODES}. A code missing here is
 * a 500. `model.conflict` is 409 here; under `If-Match` the adapter answers 412 instead (see
 * {@link statusForCode}).
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.entries({ ...ERROR_CODES, ...HTTP_ERROR_CODES }).map(([code, { status }]) => [code, status])),
)

/**
 * The status for an error code; `model.conflict` (a stale version) is 412 when the client sent
 * `If-Match`, else 409. Unknown codes are 500.
 */
export function statusForCode(code: string, options: { ifMatch?: boolean } = {}): number {
  if (code === 'model.conflict' && options.ifMatch) return 412
  return HTTP_STATUS_BY_CODE[code] ?? 500
}
