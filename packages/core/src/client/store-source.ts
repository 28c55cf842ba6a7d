import type { ObjectStore } from '../store/types.js'

/** Something that makes stores for a bucket: an `S3ClientManager`, or anything shaped like one. */
export interface StoreSource {
  store(bucket?: string): ObjectStore
}

/**
 * The store behind a `store` option that takes an ObjectStore or an `S3ClientManager`. Checked by
 * shape, not `instanceof`: importing the manager's class here would put its S3 client in every
 * bundle, memory-store ones included.
 */
export function storeFrom(source: ObjectStore | StoreSource, bucket?: string): ObjectStore {
  const isStore = typeof (source as ObjectStore).list === 'function' && typeof (source as ObjectStore).deleteMany === 'function'
  return isStore ? (source as ObjectStore) : (source as StoreSource).store(bucket)
}
