import type { Repository } from '@s3verless/core'
import { type CleanupOptions, type CleanupReport, cleanupUnconfirmed } from './cleanup-uploads.js'
import { confirmUpload, requireUploadKey } from './confirm-upload.js'
import { contentDisposition } from './content-disposition.js'
import { deleteFile } from './delete-file.js'
import { StorageError } from './errors.js'
import type { UploadMetadata } from './metadata.js'
import { presignGet } from './presign.js'
import { type PresignedUploadServiceOptions, resolveContext, type UploadContext } from './service-options.js'
import { type StoreUploadInput, storeUpload } from './store-upload.js'
import { MAX_PRESIGNED_EXPIRATION_SECONDS, type UploadConfig, type UploadConfigInput } from './upload-config.js'
import { requireS3, type UploadClient } from './upload-target.js'
import { generateUploadUrl, type PresignedUpload, type UploadUrlRequest } from './upload-url.js'
import type { UploadedFile, UploadedFileModel } from './uploaded-file.js'

/** Options of {@link PresignedUploadService.generateDownloadUrl}. */
export interface DownloadUrlOptions {
  /** `'attachment'` (default: browsers save the file) or `'inline'` (browsers may show it). */
  disposition?: 'attachment' | 'inline'
}

/**
 * Presigned uploads and downloads (the spec's `PresignedUploadService`), with confirmed file records.
 *
 * The flow: {@link generateUploadUrl} signs a PUT that binds the key, the content type, the exact
 * size and the metadata, and works once; the client PUTs the bytes straight to S3 with the given
 * headers; {@link confirmUpload} HEADs the object and records it as an {@link UploadedFile}. Uploads
 * never confirmed are removed by {@link cleanupUnconfirmed}. On stores that cannot sign URLs (memory,
 * file system), {@link storeUpload} takes the bytes through your server under the same rules.
 *
 * Every method takes the client first, as in the spec: an `S3Client`, an `S3ClientManager` or an
 * ObjectStore (see {@link UploadClient}). Keys are `{keyPrefix}yyyy/mm/dd/{uuid}{ext}`; methods given
 * any other key refuse it (`storage.invalidKey`) before a request, so they never touch another
 * model's data. Errors are `StorageError`s with codes from `STORAGE_ERRORS`.
 * @example
 * const manager = new S3ClientManager(loadSettings())
 * const uploads = new PresignedUploadService(manager.options.bucket!, { maxFileSize: 5 * 1024 * 1024, allowedContentTypes: ['image/*'] })
 * const upload = await uploads.generateUploadUrl(manager, { filename: 'cat.png', size: file.size, uploadedBy: user.id })
 * await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file })   // in the browser
 * const record = await uploads.confirmUpload(manager, upload.key, user.id)
 * const link = await uploads.generateDownloadUrl(manager, record!.s3Key, record!.filename)
 */
export class PresignedUploadService {
  /** The validated upload rules. */
  readonly config: UploadConfig
  private readonly context: UploadContext

  /**
   * `new PresignedUploadService(bucket, config?, options?)` as in the spec, or
   * `new PresignedUploadService(options)`.
   * @throws StorageError `storage.invalidConfig` for a bad config or option, a `database` without
   * the `UploadedFile` model, or a `keyPrefix` inside the records' folder.
   */
  constructor(
    bucketName: string,
    config?: UploadConfig | UploadConfigInput,
    options?: Omit<PresignedUploadServiceOptions, 'bucket' | 'config'>,
  )
  constructor(options?: PresignedUploadServiceOptions)
  constructor(
    first: string | PresignedUploadServiceOptions = {},
    config?: UploadConfig | UploadConfigInput,
    options: Omit<PresignedUploadServiceOptions, 'bucket' | 'config'> = {},
  ) {
    const resolved = typeof first === 'string' ? { ...options, bucket: first, ...(config ? { config } : {}) } : first
    this.context = resolveContext(resolved)
    this.config = this.context.config
  }

  /**
   * Presigns a PUT for one file (0 requests): checks the file against the config, makes its key,
   * and signs `Content-Type`, `Content-Length` (exactly `size`), `If-None-Match: *` and the
   * metadata into the URL, so S3 refuses another type, another length, another key, a second PUT
   * or an expired URL. The content type is guessed from the name when not given.
   * Takes the spec's positional arguments too: `(client, filename, contentType?, metadata?, size)`.
   * @throws StorageError `storage.rejected` (rule `filename`, `size`, `contentType` or `metadata`;
   * a missing size is a `size` rejection), `storage.presignUnsupported` for the memory and
   * file-system stores.
   */
  generateUploadUrl(client: UploadClient, request: UploadUrlRequest): Promise<PresignedUpload>
  generateUploadUrl(
    client: UploadClient,
    filename: string,
    contentType?: string | null,
    metadata?: UploadMetadata | null,
    size?: number,
  ): Promise<PresignedUpload>
  async generateUploadUrl(
    client: UploadClient,
    request: UploadUrlRequest | string,
    contentType?: string | null,
    metadata?: UploadMetadata | null,
    size?: number,
  ): Promise<PresignedUpload> {
    const full = typeof request === 'string' ? { filename: request, contentType, metadata, size: size as number } : request
    return generateUploadUrl(this.context, client, full)
  }

  /**
   * Presigns a GET of an upload (0 requests; it does not check that the object exists), answered
   * with a safe `Content-Disposition` (`attachment` by default, the name made safe and given as
   * ASCII `filename` and UTF-8 `filename*`).
   * @param expiresIn seconds, 1 to 604800 (default the config's `expirationSeconds`)
   * @throws StorageError `storage.invalidKey` for a key that is not an upload key of this service
   * (so it never signs access to records), `storage.invalidConfig` for a bad `expiresIn`,
   * `storage.presignUnsupported` for the memory and file-system stores.
   */
  async generateDownloadUrl(
    client: UploadClient,
    s3Key: string,
    filename?: string | null,
    expiresIn?: number | null,
    options: DownloadUrlOptions = {},
  ): Promise<string> {
    requireUploadKey(this.context, s3Key)
    const { s3, bucket } = requireS3(this.context.target(client), 'presign a download')
    const seconds = expiresIn ?? this.config.expirationSeconds
    if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGNED_EXPIRATION_SECONDS) {
      throw new StorageError(
        'storage.invalidConfig',
        `expiresIn must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRATION_SECONDS}, got ${seconds}`,
      )
    }
    return presignGet(s3, bucket, s3Key, seconds, contentDisposition(filename ?? undefined, options.disposition))
  }

  /**
   * Confirms an upload and records it: HEADs the object (1 HEAD + 1 GET of the record, in
   * parallel, then 1 GET and 2 PUTs to create the record under the key's id with its `uploadedBy`
   * index entry, then 1 HEAD to check that no delete came between; if one did, the record is taken
   * back and the answer is `storage.deleted`). `null` when no object is
   * at the key. Confirming again returns the same record. `uploadedBy` defaults to the user the URL
   * was made for.
   * @throws StorageError `storage.invalidKey` for a key that is not an upload key of this service
   * (another model's record, anything outside the prefix), before any request; `storage.forbidden`
   * when the URL was made for, or the record confirmed by, another user; `storage.mismatch` when the
   * object's type or size breaks the config; `storage.expired` when the object is older than the
   * URL's lifetime plus half the cleanup margin; `storage.deleted` when the upload was deleted (its
   * key is never confirmable again).
   */
  confirmUpload(client: UploadClient, s3Key: string, uploadedBy?: string | null): Promise<UploadedFile | null> {
    return confirmUpload(this.context, client, s3Key, uploadedBy)
  }

  /**
   * Deletes an upload: replaces the object by the deleted-upload marker (`DELETED_UPLOAD_TYPE`,
   * removed by `cleanupUnconfirmed` once every URL for the key has expired), then deletes its
   * record (with its index entry). So a replayed upload URL finds the key taken (its signed
   * `If-None-Match: *` fails with 412) and the key can never be confirmed again, even by a
   * confirmation racing this delete. 1 HEAD + 1 PUT + 1 GET, and the record's delete. True when the
   * file or its record existed. Check who may delete it first (`getFile(…).uploadedBy`).
   * @throws StorageError `storage.invalidKey` for a key that is not an upload key of this service, before any request.
   */
  deleteFile(client: UploadClient, s3Key: string): Promise<boolean> {
    return deleteFile(this.context, client, s3Key)
  }

  /**
   * The record of an upload, or `null` when it was never confirmed (1 GET).
   * @throws StorageError `storage.invalidKey` for a key that is not an upload key of this service.
   */
  async getFile(client: UploadClient, s3Key: string): Promise<UploadedFile | null> {
    const { id } = requireUploadKey(this.context, s3Key)
    const record = await this.context.files(client).get(id)
    return record && record.s3Key === s3Key ? record : null
  }

  /**
   * Stores an upload that comes through your server (the plain authenticated PUT route of the
   * Hono adapter on the file-system store): the same filename, type, size and metadata rules as
   * presigned uploads, checked before a byte is read when the size is declared; a stream is read
   * only up to the limit. The object is written create-if-absent through the ObjectStore, then its
   * record (3 PUTs: object, record, `uploadedBy` index entry; 1 GET). If the record cannot be
   * written, the object is deleted again. Works on every store, S3 included.
   * @throws StorageError `storage.rejected` (rule `filename`, `size`, `contentType` or `metadata`)
   * @example
   * const record = await uploads.storeUpload(store, { filename: 'cat.png', contentType: 'image/png', body: c.req.raw.body!, size: Number(c.req.header('content-length')), uploadedBy: user.id })
   */
  storeUpload(client: UploadClient, input: StoreUploadInput): Promise<UploadedFile> {
    return storeUpload(this.context, client, input)
  }

  /**
   * Removes uploads never confirmed: lists the upload prefix (⌈n/1000⌉ LISTs), and for objects older
   * than the URLs' lifetime plus `cleanupMarginSeconds` (by the store's clock), lists the record ids
   * once and deletes the objects that have none in batches. A maintenance job: its cost grows with
   * the number of uploads. Keys under the prefix that are not upload keys are reported, not touched.
   */
  cleanupUnconfirmed(client: UploadClient, options: CleanupOptions = {}): Promise<CleanupReport> {
    return cleanupUnconfirmed(this.context, client, options)
  }

  /** The repository of file records the service uses with this client (for queries: `findAllBy('uploadedBy', id)`). */
  files(client: UploadClient): Repository<UploadedFileModel> {
    return this.context.files(client)
  }
}
