import { S3verlessError } from '@s3verless/core'

/** Error code of every invalid cache option or TTL. */
export const INVALID_OPTIONS = 'cache.invalidOptions'

const invalid = (what: string, value: unknown, expected: string): S3verlessError =>
  new S3verlessError(INVALID_OPTIONS, `Invalid cache ${what}: ${String(value)} (expected ${expected})`, {
    details: { option: what, value },
  })

/** Checks a TTL in seconds: a finite number ≥ 0 (fractions allowed). */
export const checkTtl = (what: string, seconds: number): number => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw invalid(what, seconds, 'a finite number of seconds ≥ 0')
  }
  return seconds
}

/** Checks an entry-count bound: an integer ≥ 1. */
export const checkMaxSize = (maxSize: number): number => {
  if (!Number.isSafeInteger(maxSize) || maxSize < 1) throw invalid('maxSize', maxSize, 'an integer ≥ 1')
  return maxSize
}

/**
 * Milliseconds an entry set now should live: the call's TTL when given and non-zero, otherwise the
 * default; `0` means "never expires". Rounded up to a whole millisecond.
 */
export const ttlMillis = (ttlSeconds: number | undefined, defaultTtlSeconds: number): number => {
  const seconds = ttlSeconds === undefined || ttlSeconds === 0 ? defaultTtlSeconds : checkTtl('ttl', ttlSeconds)
  return Math.ceil(seconds * 1000)
}
