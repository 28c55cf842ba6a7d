import {
  type ObjectStore,
  type ProviderName,
  type ProviderQuirks,
  S3ClientManager,
  S3FetchClient,
  type S3Store,
  type SdkS3ClientLike,
  s3Store,
} from '@s3verless/core'
import { isSdkClient } from '@s3verless/core/internal'
import { StorageError } from './errors.js'

/**
 * What the spec's `s3_client` argument may be: an AWS SDK `S3Client`, core's `S3ClientManager`, or
 * any ObjectStore. Presigned URLs need one of the first two; `storeUpload`, `confirmUpload`,
 * `deleteFile` and the cleanup work with all three.
 */
export type UploadClient = SdkS3ClientLike | S3FetchClient | S3ClientManager | ObjectStore

/** Where an upload service's objects are, resolved from an {@link UploadClient}. */
export interface UploadTarget {
  /** The S3 store, for presigning and HEAD through its client; `undefined` for a plain ObjectStore. */
  readonly s3: S3Store | undefined
  /** The bucket (for a plain ObjectStore, its own). */
  readonly bucket: string | undefined
  /** The objects' store: the given one, or an S3 store over the client and bucket. */
  readonly store: ObjectStore
}

const isS3Store = (store: ObjectStore): store is S3Store => typeof (store as S3Store).client === 'function'
const isObjectStore = (value: unknown): value is ObjectStore =>
  typeof (value as ObjectStore).list === 'function' && typeof (value as ObjectStore).deleteMany === 'function'

/**
 * Resolves a client argument. An `S3ClientManager` uses `bucket` or its configured bucket (and its
 * provider quirks); a raw `S3Client` needs `bucket` and uses `provider`.
 * @throws StorageError `storage.invalidConfig` for something that is none of the three, or an S3 client without a bucket.
 */
export function resolveTarget(
  client: UploadClient,
  bucket: string | undefined,
  provider: ProviderName | Partial<ProviderQuirks> | undefined,
): UploadTarget {
  if (client instanceof S3ClientManager) {
    const name = bucket ?? client.options.bucket
    if (!name) throw noBucket('S3ClientManager')
    const store = client.store(name)
    return { s3: store, bucket: name, store }
  }
  if (isObjectStore(client))
    return { s3: isS3Store(client) ? client : undefined, bucket: (client as Partial<S3Store>).bucket, store: client }
  if (isSdkClient(client) || client instanceof S3FetchClient) {
    if (!bucket) throw noBucket('S3 client')
    const store = s3Store({ client, bucket, ...(provider ? { provider } : {}) })
    return { s3: store, bucket, store }
  }
  throw new StorageError('storage.invalidConfig', 'The client must be an S3Client, an S3FetchClient, an S3ClientManager or an ObjectStore')
}

const noBucket = (what: string) =>
  new StorageError('storage.invalidConfig', `No bucket for the ${what}: give the upload service a bucket (or configure AWS_BUCKET_NAME)`)

/**
 * The S3 store and bucket of a target, for presigning.
 * @throws StorageError `storage.presignUnsupported` for a plain ObjectStore (memory, file system).
 */
export function requireS3(target: UploadTarget, action: string): { s3: S3Store; bucket: string } {
  if (target.s3 && target.bucket) return { s3: target.s3, bucket: target.bucket }
  throw new StorageError(
    'storage.presignUnsupported',
    `Cannot ${action} on the ${target.store.name} store: presigned URLs need S3 (pass an S3Client or S3ClientManager). ` +
      'On the memory and file-system stores, accept uploads through your server with storeUpload() and serve downloads yourself.',
    { details: { store: target.store.name } },
  )
}
