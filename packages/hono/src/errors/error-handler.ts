import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { HttpError } from './http-error.js'
import { problemResponse, statusTitle } from './problem-details.js'
import { headersFor, problemFor } from './to-problem.js'

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
    if (problem.status >= 500 && problem.status !== 503) options.onServerError?.(error, c)
    const headers = headersFor(target)
    if (problem.status === 401) headers['WWW-Authenticate'] = 'Bearer'
    return problemResponse(problem, headers)
  }
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
