import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { HttpError } from './http-error.js'
import { problemResponse, statusTitle } from './problem-details.js'
import { headersFor, isServerFault, problemFor } from './to-problem.js'

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  /** Called with every error that became a 5xx (log it: the response does not reveal it). */
  onServerError?: (error: unknown, c: Context) => void
}

/**
 * A Hono `onError` handler answering every error as problem+json through
 * {@link HTTP_STATUS_BY_CODE}. Hono's own `HTTPException`s (a body too large, a malformed form) keep
 * their status. A client error never becomes a 500.
 */
export function errorHandler(options: ErrorHandlerOptions = {}) {
  return (error: Error, c: Context): Response => {
    const target = error instanceof HTTPException ? fromHttpException(error) : error
    const problem = problemFor(target, { ifMatch: c.req.header('if-match') !== undefined })
    if (isServerFault(problem.status)) options.onServerError?.(error, c)
    const headers = { ...headersFor(target) }
    if (problem.status === 401) headers['WWW-Authenticate'] = wwwAuthenticate(problem.code, problem.detail)
    return problemResponse(problem, headers)
  }
}

/** Codes of a bearer token that was sent and refused: RFC 6750's `invalid_token`. */
const TOKEN_CODES: ReadonlySet<string> = new Set(['auth.invalidToken', 'auth.expiredToken', 'auth.revokedToken'])

/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3): `Bearer error="invalid_token"` with an
 * `error_description` when the token sent was refused; a bare `Bearer realm="api"` challenge when
 * none was sent or the 401 is about something else (wrong password), as §3.1 asks: no error code then.
 */
export function wwwAuthenticate(code: string, detail: string): string {
  if (!TOKEN_CODES.has(code)) return 'Bearer realm="api"'
  // error_description allows printable ASCII but '"' and '\\' (RFC 6750 §3).
  const description = detail.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ').slice(0, 200)
  return `Bearer realm="api", error="invalid_token", error_description="${description}"`
}

function fromHttpException(error: HTTPException): HttpError {
  const byStatus: Record<number, string> = {
    400: 'http.badRequest',
    401: 'http.unauthorized',
    403: 'http.forbidden',
    404: 'http.notFound',
    413: 'http.payloadTooLarge',
    415: 'http.unsupportedMediaType',
  }
  return new HttpError(
    byStatus[error.status] ?? (error.status >= 500 ? 'http.internal' : 'http.badRequest'),
    error.message || statusTitle(error.status),
  )
}

/** A Hono `notFound` handler answering problem+json 404. */
export const notFoundHandler = (c: Context): Response =>
  problemResponse({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
    code: 'http.notFound',
  })
