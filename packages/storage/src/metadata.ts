import { StorageError } from './errors.js'
import { rejectUpload } from './validate-upload.js'

/** User metadata of an upload: names are lower-case letters, digits and `-`; values any text. */
export type UploadMetadata = Readonly<Record<string, string>>

/** Most bytes of user metadata S3 stores with an object (names and values, as sent). */
export const MAX_METADATA_BYTES = 2048
/** Metadata names S3verless keeps for itself: the original file name and the user an upload is bound to. */
const OWN_PREFIX = 's3v-'
const NAME_KEY = 's3v-name'
const BY_KEY = 's3v-by'
/** The names of the application's entries, signed too: servers that store unsigned extra headers (Ceph RGW) cannot slip others in. */
const NAMES_KEY = 's3v-meta'
/** Stands for "nobody" or "none": written rather than left out, so a client cannot add its own entry (it would change the signature). */
const NOBODY = '-'
/** Letters, digits and `-` only: Ceph RGW rewrites `_` in metadata names. */
const METADATA_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** What S3verless reads back from an upload's metadata. */
export interface StoredUploadMetadata {
  /** The original file name, if the upload came through a presigned URL of this package. */
  readonly filename: string | undefined
  /** `undefined` when unknown, `null` when bound to nobody, else the user id the URL was made for. */
  readonly uploadedBy: string | null | undefined
  /** The application's own metadata. */
  readonly user: Record<string, string>
}

/**
 * The `Metadata` (names without `x-amz-meta-`) to sign into a presigned PUT: the application's
 * entries plus the file name and the bound user, every value percent-encoded so any text travels
 * as a plain ASCII header.
 * @throws StorageError `storage.rejected` (rule `metadata`) for a malformed or reserved name, a
 * value that is not a string, or more than 2 KiB in all.
 */
export function encodeMetadata(filename: string, uploadedBy: string | null, user: UploadMetadata | undefined): Record<string, string> {
  checkUploader(uploadedBy)
  const metadata: Record<string, string> = {}
  const request = { filename }
  for (const [name, value] of Object.entries(user ?? {})) {
    if (!METADATA_NAME.test(name)) {
      rejectUpload('metadata', request, `metadata name ${JSON.stringify(name)} must be 1-63 lower-case letters, digits or "-"`)
    }
    if (name.startsWith(OWN_PREFIX)) rejectUpload('metadata', request, `metadata names starting with "${OWN_PREFIX}" are reserved`)
    if (typeof value !== 'string') rejectUpload('metadata', request, `metadata ${JSON.stringify(name)} must be a string`)
    metadata[name] = encodeURIComponent(value)
  }
  metadata[NAMES_KEY] = Object.keys(metadata).join(',') || NOBODY
  metadata[NAME_KEY] = encodeURIComponent(filename)
  metadata[BY_KEY] = uploadedBy === null ? NOBODY : `u:${encodeURIComponent(uploadedBy)}`
  const bytes = Object.entries(metadata).reduce((sum, [name, value]) => sum + name.length + value.length, 0)
  if (bytes > MAX_METADATA_BYTES) {
    rejectUpload(
      'metadata',
      request,
      `metadata takes ${bytes} bytes once encoded (file name included); S3 stores at most ${MAX_METADATA_BYTES}`,
    )
  }
  return metadata
}

/**
 * Checks an `uploadedBy` argument: a user id of 1-256 characters, or `null`.
 * @throws StorageError `storage.invalidConfig` naming the value
 */
export function checkUploader(uploadedBy: unknown): asserts uploadedBy is string | null {
  if (uploadedBy === null || (typeof uploadedBy === 'string' && uploadedBy.length >= 1 && uploadedBy.length <= 256)) return
  throw new StorageError(
    'storage.invalidConfig',
    `uploadedBy must be a user id (1-256 characters) or null, got ${JSON.stringify(uploadedBy)}`,
  )
}

const decode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

/**
 * Reads back what {@link encodeMetadata} wrote (names as the SDK returns them: lower-case, without
 * `x-amz-meta-`). Only the application entries named in the signed list are kept.
 */
export function decodeMetadata(metadata: Readonly<Record<string, string>> | undefined): StoredUploadMetadata {
  const entries = new Map(Object.entries(metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]))
  const by = entries.get(BY_KEY)
  const user: Record<string, string> = {}
  for (const name of (entries.get(NAMES_KEY) ?? '').split(',')) {
    const value = entries.get(name)
    const decoded = METADATA_NAME.test(name) && !name.startsWith(OWN_PREFIX) && value !== undefined ? decode(value) : undefined
    if (decoded !== undefined) user[name] = decoded
  }
  return {
    filename: entries.has(NAME_KEY) ? decode(entries.get(NAME_KEY)!) : undefined,
    uploadedBy: by === undefined ? undefined : by === NOBODY ? null : by.startsWith('u:') ? decode(by.slice(2)) : undefined,
    user,
  }
}
