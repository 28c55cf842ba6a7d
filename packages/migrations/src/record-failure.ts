import { isS3verlessError } from '@s3verless/core'

/** A record a migration could not be applied to. */
export interface RecordFailure {
  /** The record's id (or its key, for an object that is not a readable record). */
  id: string
  /** Why, e.g. `Invalid Product: price: expected number` or `Migration 0002 (Product) failed: …`. */
  error: string
  /** The error's code, when it has one (`model.validation`, `migration.failed`, `model.unique`, …). */
  code?: string
  /** The migration the failure is due to, when known. */
  version?: string
}

/** The failure of record `id` for an error thrown while migrating it. */
export function failureOf(id: string, error: unknown): RecordFailure {
  const message = error instanceof Error ? error.message : String(error)
  if (!isS3verlessError(error)) return { id, error: message }
  const version = typeof error.details.version === 'string' ? error.details.version : undefined
  return { id, error: message, code: error.code, ...(version !== undefined ? { version } : {}) }
}
