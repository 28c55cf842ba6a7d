import { createDatabase, type Database, DEFAULT_BASE_PATH, type ProviderName, type ProviderQuirks, type Repository } from '@s3verless/core'
import { StorageError } from './errors.js'
import type { UploadAcl } from './presign.js'
import { type UploadConfig, type UploadConfigInput, uploadConfig } from './upload-config.js'
import { resolveTarget, type UploadClient, type UploadTarget } from './upload-target.js'
import { UploadedFile, type UploadedFileModel } from './uploaded-file.js'

/** Options of {@link PresignedUploadService}. */
export interface PresignedUploadServiceOptions {
  /** The bucket (default: an `S3ClientManager`'s configured one; unused for a plain ObjectStore). */
  bucket?: string
  /** Upload rules (default `new UploadConfig()`: 10 MiB, any type, 1 hour, `uploads/`). */
  config?: UploadConfig | UploadConfigInput
  /**
   * The database file records go to; it must include the `UploadedFile` model and should live in
   * the same bucket. Default: a database of `UploadedFile` alone on the client's store.
   */
  database?: Database
  /** Key prefix of the records when no `database` is given (default `s3verless-data/`, the `S3_BASE_PATH` setting). */
  basePath?: string
  /** Provider quirks when given a raw `S3Client` (default `'aws'`; `'ceph'` for Ceph RGW). */
  provider?: ProviderName | Partial<ProviderQuirks>
  /**
   * Seconds past the URLs' lifetime after which `cleanupUnconfirmed` removes an upload that was
   * never confirmed (default 3600). `confirmUpload` accepts an upload until half that margin has
   * passed, so the cleanup can never remove an object a record is being made for.
   */
  cleanupMarginSeconds?: number
  /**
   * The ACL pinned into every upload URL: the client must send `x-amz-acl` with this value, and
   * another value (`public-read`) breaks the signature. Default `'private'`. Ceph RGW and MinIO
   * accept extra unsigned headers, so without a pinned ACL a client could make its upload public
   * there. AWS buckets with ACLs disabled (Object Ownership "bucket owner enforced", the default of
   * new buckets) accept only `'bucket-owner-full-control'` (also private: it grants nothing to
   * anyone else); `false` signs none (for a store that refuses the header).
   */
  acl?: UploadAcl | false
  /** Clock for key dates and `expiresAt` (default `() => new Date()`); ages are judged by the store's clock. */
  now?: () => Date
}

/** The resolved settings a service's operations share. */
export interface UploadContext {
  readonly config: UploadConfig
  readonly cleanupMarginSeconds: number
  readonly acl: UploadAcl | undefined
  now(): Date
  target(client: UploadClient): UploadTarget
  files(client: UploadClient): Repository<UploadedFileModel>
}

const problem = (message: string): never => {
  throw new StorageError('storage.invalidConfig', `Invalid upload service options: ${message}`)
}

/** Upload objects and file records must not share a folder: the cleanup lists one, repositories own the other. */
function checkSeparate(keyPrefix: string, basePath: string): void {
  const records = `${basePath}${UploadedFile.plural}/`
  const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a)
  if (overlaps(keyPrefix, records) || (basePath !== '' && overlaps(keyPrefix, basePath))) {
    problem(
      `keyPrefix ${JSON.stringify(keyPrefix)} overlaps the records' folder ${JSON.stringify(basePath || records)}; choose a prefix outside it`,
    )
  }
}

/**
 * Resolves a service's options into the context its operations use.
 * @throws StorageError `storage.invalidConfig` for a bad config or margin, a database without the
 * `UploadedFile` model, or an upload prefix inside the records' folder.
 */
export function resolveContext(options: PresignedUploadServiceOptions): UploadContext {
  const config = uploadConfig(options.config)
  const margin = options.cleanupMarginSeconds ?? 3600
  if (!Number.isSafeInteger(margin) || margin < 2)
    problem(`cleanupMarginSeconds must be a whole number of seconds, at least 2, got ${margin}`)
  if (options.acl !== undefined && options.acl !== false && options.acl !== 'private' && options.acl !== 'bucket-owner-full-control') {
    problem(`acl must be 'private', 'bucket-owner-full-control' or false, got ${JSON.stringify(options.acl)}`)
  }
  const { database } = options
  if (database && !database.registry.models.includes(UploadedFile)) {
    problem('the database does not include the UploadedFile model: add it to createDatabase({ models: [UploadedFile, …] })')
  }
  const basePath = database?.basePath ?? options.basePath ?? DEFAULT_BASE_PATH
  if (basePath !== '' && !basePath.endsWith('/')) problem(`basePath must end with "/", got ${JSON.stringify(basePath)}`)
  checkSeparate(config.keyPrefix, basePath)

  const targets = new WeakMap<object, UploadTarget>()
  const repos = new WeakMap<object, Repository<UploadedFileModel>>()
  const target = (client: UploadClient): UploadTarget => {
    let resolved = targets.get(client)
    if (!resolved) {
      resolved = resolveTarget(client, options.bucket, options.provider)
      targets.set(client, resolved)
    }
    return resolved
  }
  return {
    config,
    cleanupMarginSeconds: margin,
    acl: options.acl === false ? undefined : (options.acl ?? 'private'),
    now: options.now ?? (() => new Date()),
    target,
    files(client) {
      if (database) return database.repository(UploadedFile)
      let repo = repos.get(client)
      if (!repo) {
        repo = createDatabase({ store: target(client).store, models: [UploadedFile], basePath }).repository(UploadedFile)
        repos.set(client, repo)
      }
      return repo
    },
  }
}
