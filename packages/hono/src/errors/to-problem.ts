import { isS3verlessError } from '@s3verless/core'
import { statusForCode } from './http-status.js'
import { type FieldError, type ProblemDetails, statusTitle } from './problem-details.js'

/** What {@link problemFor} knows about the request that failed. */
export interface ProblemContext {
  /** The request carried `If-Match` (a stale version is then 412, not 409). */
  ifMatch?: boolean
}

/** Headers an error asks to send (a rate limit's `Retry-After`). */
export function headersFor(error: unknown): Record<string, string> {
  if (!isS3verlessError(error)) return {}
  const headers = error.details.headers
  return typeof headers === 'object' && headers !== null ? (headers as Record<string, string>) : {}
}

function fieldErrors(details: Record<string, unknown>): FieldError[] | undefined {
  const list = (details.issues ?? details.errors) as { path?: unknown; message?: unknown }[] | undefined
  if (!Array.isArray(list)) return undefined
  return list.map((issue) => ({
    path: Array.isArray(issue.path) ? (issue.path as (string | number)[]) : [],
    message: String(issue.message ?? 'invalid'),
  }))
}

/** Safe extension members per code: what a client can act on, never store internals. */
function extensions(code: string, details: Record<string, unknown>): Record<string, unknown> {
  const pick = (...names: string[]) => Object.fromEntries(names.filter((n) => details[n] !== undefined).map((n) => [n, details[n]]))
  switch (code) {
    case 'model.unique':
      return pick('model', 'field', 'value')
    case 'model.notFound':
    case 'model.invalidId':
    case 'model.conflict':
      return pick('model', 'id')
    case 'model.restricted':
    case 'access.cascadeForbidden':
      return pick('model', 'id', 'relation', 'related')
    case 'http.forbidden':
      return pick('model', 'operation')
    case 'model.indexNotReady':
      return pick('model', 'index')
    case 'query.tooExpensive':
      return pick('model', 'maxScan', 'plan')
    case 'query.unknownField':
    case 'query.unknownOperator':
      return pick('field', 'operator', 'key', 'valid')
    case 'http.payloadTooLarge':
      return pick('limit')
    default:
      return {}
  }
}

/**
 * Statuses that answer a known condition rather than a fault, so their message is kept and they are
 * not reported as server errors: 501 (the store cannot do this, e.g. presign on a memory store) and
 * 503 (the store or an index is unavailable for now).
 */
export const EXPECTED_SERVER_STATUSES: ReadonlySet<number> = new Set([501, 503])

/** True for a 5xx that is a fault of the server (to log), not a documented answer. */
export const isServerFault = (status: number): boolean => status >= 500 && !EXPECTED_SERVER_STATUSES.has(status)

/**
 * The problem+json body for an error: S3verless errors keep their code and message and get the
 * status of {@link HTTP_STATUS_BY_CODE}; anything else is a 500 whose message is not revealed.
 * Server-side failures (5xx) never echo the error's message, which can name buckets or keys.
 */
export function problemFor(error: unknown, context: ProblemContext = {}): ProblemDetails {
  if (!isS3verlessError(error)) {
    return { type: 'about:blank', title: statusTitle(500), status: 500, detail: 'An unexpected error occurred.', code: 'http.internal' }
  }
  const status = statusForCode(error.code, context)
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: statusTitle(status),
    status,
    detail: isServerFault(status) ? 'An unexpected error occurred.' : error.message,
    code: error.code,
    ...extensions(error.code, error.details),
  }
  if (status === 503 && error.code.startsWith('store.')) problem.detail = 'The object store is unavailable; try again later.'
  const errors = fieldErrors(error.details)
  if (errors && status === 422) problem.errors = errors
  return problem
}
