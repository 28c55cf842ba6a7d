import { S3verlessError } from '@s3verless/core'

/** Validated upload rules. Build with {@link uploadConfig}. */
export interface UploadConfig {
  /** Largest accepted file, in bytes. */
  readonly maxFileSize: number
  /** Accepted media types, lower-cased (`image/png`, or `image/*` for a whole family); empty accepts any. */
  readonly allowedContentTypes: readonly string[]
  /** Lifetime of presigned URLs, in seconds. */
  readonly expirationSeconds: number
  /** Key prefix for uploaded objects; empty, or ending in `/`. */
  readonly keyPrefix: string
}

/** What {@link uploadConfig} accepts; every field is optional. */
export type UploadConfigInput = Partial<UploadConfig>

/** Default {@link UploadConfig.maxFileSize}: 10 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
/** Longest lifetime S3 allows for a presigned URL (SigV4): 7 days. */
export const MAX_PRESIGNED_EXPIRATION_SECONDS = 7 * 24 * 60 * 60

/** `type/subtype` as RFC 6838 restricts the names, or `type/*`. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/

/**
 * Normalises a key prefix (adds the trailing `/`) and explains what is wrong with it, if anything.
 * Shared by {@link uploadConfig} and `uploadKeyFor`.
 */
export function checkKeyPrefix(prefix: unknown): { prefix: string; problem?: string } {
  if (typeof prefix !== 'string') return { prefix: '', problem: `must be a string, got ${typeof prefix}` }
  const normalised = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`
  if (normalised.startsWith('/')) return { prefix: normalised, problem: `must not start with "/", got ${JSON.stringify(prefix)}` }
  if (normalised.split('/').some((segment, i, all) => segment === '..' || segment === '.' || (segment === '' && i < all.length - 1))) {
    return { prefix: normalised, problem: `must not contain empty, "." or ".." segments, got ${JSON.stringify(prefix)}` }
  }
  if (/\p{Cc}/u.test(normalised)) return { prefix: normalised, problem: 'must not contain control characters' }
  return { prefix: normalised }
}

const isWholeIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max

/**
 * Validates upload rules and fills in defaults: `maxFileSize` 10 MiB, `allowedContentTypes` `[]`
 * (any type), `expirationSeconds` 3600, `keyPrefix` `'uploads/'` (a missing trailing `/` is added).
 * Media types are lower-cased; `image/*` accepts every image type. The result is frozen.
 * @throws S3verlessError `upload.invalidConfig` naming every bad field and its value
 * (`details.problems`: `{ field, message }[]`): a size that is not a positive whole number of bytes,
 * a malformed media type, an expiration outside 1 s – 7 days (S3's presigning limit), a prefix that
 * starts with `/` or contains `.`/`..`/empty segments.
 * @example
 * const avatars = uploadConfig({ maxFileSize: 2 * 1024 * 1024, allowedContentTypes: ['image/png', 'image/jpeg'] })
 */
export function uploadConfig(input: UploadConfigInput = {}): UploadConfig {
  const { maxFileSize = DEFAULT_MAX_FILE_SIZE, allowedContentTypes = [], expirationSeconds = 3600, keyPrefix = 'uploads/' } = input
  const problems: { field: keyof UploadConfig; message: string }[] = []

  if (!isWholeIn(maxFileSize, 1, Number.MAX_SAFE_INTEGER)) {
    problems.push({ field: 'maxFileSize', message: `must be a positive whole number of bytes, got ${String(maxFileSize)}` })
  }
  const types = Array.isArray(allowedContentTypes) ? allowedContentTypes : []
  if (!Array.isArray(allowedContentTypes)) problems.push({ field: 'allowedContentTypes', message: 'must be an array of media types' })
  const normalisedTypes = types.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : ''))
  normalisedTypes.forEach((type, i) => {
    if (!MEDIA_TYPE.test(type)) {
      problems.push({
        field: 'allowedContentTypes',
        message: `entry ${JSON.stringify(types[i])} is not a media type like "image/png" or "image/*"`,
      })
    }
  })
  if (!isWholeIn(expirationSeconds, 1, MAX_PRESIGNED_EXPIRATION_SECONDS)) {
    problems.push({
      field: 'expirationSeconds',
      message: `must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRATION_SECONDS} (7 days, S3's limit), got ${String(expirationSeconds)}`,
    })
  }
  const prefix = checkKeyPrefix(keyPrefix)
  if (prefix.problem) problems.push({ field: 'keyPrefix', message: prefix.problem })

  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.field} ${p.message}`).join('; ')
    throw new S3verlessError('upload.invalidConfig', `Invalid upload config: ${summary}`, { details: { problems } })
  }
  return Object.freeze({
    maxFileSize,
    allowedContentTypes: Object.freeze([...new Set(normalisedTypes)]),
    expirationSeconds,
    keyPrefix: prefix.prefix,
  })
}
