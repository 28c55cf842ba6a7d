import { type ObjectStore, type ProviderName, type ProviderQuirks, type S3ClientLike, S3ClientManager, s3Store } from '@s3verless/core'

const isStore = (value: unknown): value is ObjectStore =>
  typeof (value as ObjectStore).list === 'function' && typeof (value as ObjectStore).deleteMany === 'function'

/**
 * The store behind the spec's `s3Client` argument: an ObjectStore as is, an `S3ClientManager`'s
 * store for `bucket`, or an AWS SDK client wrapped by `s3Store` (with `provider`'s quirks).
 */
export function resolveStore(client: S3ClientLike, bucket: string, provider?: ProviderName | Partial<ProviderQuirks>): ObjectStore {
  if (isStore(client)) return client
  if (client instanceof S3ClientManager) return client.store(bucket)
  return s3Store({ client, bucket, ...(provider ? { provider } : {}) })
}
