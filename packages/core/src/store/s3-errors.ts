import { AccessDenied, Conflict, InvalidRequest, PreconditionFailed, S3verlessError, Throttled, Unavailable } from '../errors.js'

/** What an SDK error looks like to us. */
interface SdkErrorShape {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $response?: { statusCode?: number }
}

/** The HTTP status of an SDK error, if it has one. */
export function sdkStatusOf(error: unknown): number | undefined {
  const e = error as SdkErrorShape
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode
}

const THROTTLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException'])
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError'])

/** Context needed to translate an SDK error. */
export interface ErrorContext {
  operation: string
  key: string | undefined
  /** The request was a conditional write. */
  conditionalWrite: boolean
  /** Report a 5xx to a conditional write as `Conflict` (Ceph RGW answers losing racers with 500). */
  serverErrorIsConflict: boolean
}

/** Translates an AWS SDK error into one of our typed store errors. */
export function translateS3Error(error: unknown, ctx: ErrorContext): S3verlessError {
  if (error instanceof S3verlessError) return error
  const e = error as SdkErrorShape
  const status = sdkStatusOf(error)
  const name = e?.name ?? ''
  const code = e?.code ?? ''
  const opts = { cause: error, details: { status, providerCode: name || code } }
  const { operation, key } = ctx
  if (status === 412 || name === 'PreconditionFailed') return new PreconditionFailed(operation, key, opts)
  if (status === 409 || name === 'ConditionalRequestConflict') return new Conflict(operation, key, opts)
  if (status === 429 || THROTTLE_NAMES.has(name)) return new Throttled(operation, key, opts)
  if (status === 403 || name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new AccessDenied(operation, key, {
      ...opts,
      message: `Access denied by the object store (${operation}${key ? ` ${JSON.stringify(key)}` : ''}): ${name || status}`,
    })
  }
  if (status === 503 && name !== 'ServiceUnavailable') return new Throttled(operation, key, opts)
  if (status !== undefined && status >= 500) {
    if (ctx.conditionalWrite && ctx.serverErrorIsConflict) return new Conflict(operation, key, opts)
    return new Unavailable(operation, key, opts)
  }
  if (status === 404 && name === 'NoSuchBucket') {
    return new InvalidRequest(operation, key, { ...opts, message: `The bucket does not exist (${operation})` })
  }
  if (status !== undefined && status >= 400) {
    return new InvalidRequest(operation, key, {
      ...opts,
      message: `${operation} rejected by the object store: ${name || status} ${e?.message ?? ''}`.trim(),
    })
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || status === undefined) {
    return new Unavailable(operation, key, { ...opts, message: `Object store unreachable (${operation}): ${e?.message ?? name}` })
  }
  return new Unavailable(operation, key, opts)
}

/** Whether a translated error is worth retrying: throttling always, outages unless the write was conditional. */
export function isRetryable(error: unknown, conditionalWrite: boolean): boolean {
  if (!(error instanceof S3verlessError)) return false
  if (error.code === 'store.throttled') return true
  if (error.code === 'store.unavailable') return !conditionalWrite
  return false
}
