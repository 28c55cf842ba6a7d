import { S3verlessError } from '@s3verless/core'
import type { FieldError } from './problem-details.js'

/**
 * An error raised by the adapter itself (bad query string, missing token, wrong content type),
 * with a stable `http.*` code; it becomes a problem+json answer like every other error.
 */
export class HttpError extends S3verlessError {
  override readonly name: string = 'HttpError'
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details })
  }
}

/** A 422 naming each field's problem. */
export function validationError(message: string, errors: FieldError[]): HttpError {
  return new HttpError('http.validation', message, { errors })
}
