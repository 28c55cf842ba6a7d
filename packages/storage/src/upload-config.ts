import { StorageError } from './errors.js'

/** The fields of an {@link UploadConfig}. */
export interface UploadConfigFields {
  /** Largest accepted file, in bytes. */
  readonly maxFileSize: number
  /** Accepted media types, lower-cased (`image/png`, or `image/*` for a whole family); empty accepts any. */
  readonly allowedContentTypes: readonly string[]
  /** Lifetime of presigned URLs, in seconds. */
  readonly expirationSeconds: number
  /** Key prefix for uploaded objects; ends in `/`. */
  readonly keyPrefix: string
}

/** What {@link UploadConfig} accepts; every field is optional. `allowedContentTypes: null` accepts any type, like `[]`. */
export interface UploadConfigInput {
  maxFileSize?: number
  allowedContentTypes?: readonly string[] | null
  expirationSeconds?: number
  keyPrefix?: string
}

/** Default {@link UploadConfig.maxFileSize}: 10 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
/** Longest lifetime S3 allows for a presigned URL (SigV4): 7 days. */
export const MAX_PRESIGNED_EXPIRATION_SECONDS = 7 * 24 * 60 * 60

/** `type/subtype` as RFC 6838 restricts the names, or `type/*`. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/

/**
 * Normalises a key prefix (adds the trailing `/`) and explains what is wrong with it, if anything.
 * Shared by {@link UploadConfig} and `uploadKeyFor`.
 */
export function checkKeyPrefix(prefix: unknown): { prefix: string; problem?: string } {
  if (typeof prefix !== 'string') return { prefix: '', problem: `must be a string, got ${typeof prefix}` }
  if (prefix === '') return { prefix, problem: 'must not be empty: uploads need a folder of their own' }
  const normalised = prefix.endsWith('/') ? prefix : `${prefix}/`
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
 * Upload rules (the spec's `UploadConfig`), validated and frozen on construction. Defaults:
 * `maxFileSize` 10 MiB, `allowedContentTypes` `[]` (any type), `expirationSeconds` 3600,
 * `keyPrefix` `'uploads/'` (a missing trailing `/` is added). Media types are lower-cased;
 * `image/*` accepts every image type.
 * @throws StorageError `storage.invalidConfig` naming every bad field and its value
 * (`details.problems`: `{ field, message }[]`): a size that is not a positive whole number of bytes,
 * a malformed media type, an expiration outside 1 s – 7 days (S3's presigning limit), a prefix that
 * is empty, starts with `/` or contains `.`/`..`/empty segments.
 * @example
 * const avatars = new UploadConfig({ maxFileSize: 2 * 1024 * 1024, allowedContentTypes: ['image/png', 'image/jpeg'] })
 */
export class UploadConfig implements UploadConfigFields {
  readonly maxFileSize: number
  readonly allowedContentTypes: readonly string[]
  readonly expirationSeconds: number
  readonly keyPrefix: string

  constructor(input: UploadConfigInput = {}) {
    const { maxFileSize = DEFAULT_MAX_FILE_SIZE, expirationSeconds = 3600, keyPrefix = 'uploads/' } = input
    const allowedContentTypes = input.allowedContentTypes ?? []
    const problems: { field: keyof UploadConfigFields; message: string }[] = []

    if (!isWholeIn(maxFileSize, 1, Number.MAX_SAFE_INTEGER)) {
      problems.push({ field: 'maxFileSize', message: `must be a positive whole number of bytes, got ${String(maxFileSize)}` })
    }
    const types: readonly unknown[] = Array.isArray(allowedContentTypes) ? allowedContentTypes : []
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
      throw new StorageError('storage.invalidConfig', `Invalid upload config: ${summary}`, { details: { problems } })
    }
    this.maxFileSize = maxFileSize
    this.allowedContentTypes = Object.freeze([...new Set(normalisedTypes)])
    this.expirationSeconds = expirationSeconds
    this.keyPrefix = prefix.prefix
    Object.freeze(this)
  }
}

/**
 * {@link UploadConfig} as a function: validates upload rules and fills in defaults. Given a config
 * already built, returns it unchanged.
 * @throws StorageError `storage.invalidConfig`, as {@link UploadConfig}.
 * @example
 * const avatars = uploadConfig({ maxFileSize: 2 * 1024 * 1024, allowedContentTypes: ['image/png', 'image/jpeg'] })
 */
export function uploadConfig(input: UploadConfigInput | UploadConfig = {}): UploadConfig {
  return input instanceof UploadConfig ? input : new UploadConfig(input)
}
