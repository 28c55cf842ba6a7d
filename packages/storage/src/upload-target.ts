import type { S3Client } from '@aws-sdk/client-s3'
import { type ObjectStore, type ProviderName, type ProviderQuirks, S3ClientManager, s3Store } from '@s3verless/core'
import { StorageError } from './errors.js'

/**
 * What the spec's `s3_client` argument may be: an AWS SDK `S3Client`, core's `S3ClientManager`, or
 * any ObjectStore. Presigned URLs need one of the first two; `storeUpload`, `confirmUpload`,
 * `deleteFile` and the cleanup work with all three.
 */
export type UploadClient = S3Client | S3ClientManager | ObjectStore

/** Where an upload service's objects are, resolved from an {@link UploadClient}. */
export interface UploadTarget {
  /** The SDK client, for presigning and HEAD; `undefined` for a plain ObjectStore. */
  readonly sdk: S3Client | undefined
  /** The bucket (for a plain ObjectStore, its own). */
  readonly bucket: string | undefined
  /** The objects' store: the given one, or an S3 store over the client and bucket. */
  readonly store: ObjectStore
}

const isObjectStore = (value: unknown): value is ObjectStore =>
  typeof (value as ObjectStore).list === 'function' && typeof (value as ObjectStore).deleteMany === 'function'
const isSdkClient = (value: unknown): value is S3Client =>
  typeof (value as S3Client).send === 'function' && typeof (value as S3Client).middlewareStack === 'object'

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
    return { sdk: client.getClient(), bucket: name, store: client.store(name) }
  }
  if (isObjectStore(client)) return { sdk: undefined, bucket: undefined, store: client }
  if (isSdkClient(client)) {
    if (!bucket) throw noBucket('S3Client')
    return { sdk: client, bucket, store: s3Store({ client, bucket, ...(provider ? { provider } : {}) }) }
  }
  throw new StorageError('storage.invalidConfig', 'The client must be an S3Client, an S3ClientManager or an ObjectStore')
}

const noBucket = (what: string) =>
  new StorageError('storage.invalidConfig', `No bucket for the ${what}: give the upload service a bucket (or configure AWS_BUCKET_NAME)`)

/**
 * The SDK client and bucket of a target, for presigning.
 * @throws StorageError `storage.presignUnsupported` for a plain ObjectStore (memory, file system).
 */
export function requireS3(target: UploadTarget, action: string): { sdk: S3Client; bucket: string } {
  if (target.sdk && target.bucket) return { sdk: target.sdk, bucket: target.bucket }
  throw new StorageError(
    'storage.presignUnsupported',
    `Cannot ${action} on the ${target.store.name} store: presigned URLs need S3 (pass an S3Client or S3ClientManager). ` +
      'On the memory and file-system stores, accept uploads through your server with storeUpload() and serve downloads yourself.',
    { details: { store: target.store.name } },
  )
}
