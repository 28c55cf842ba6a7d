import type { ListedObject, ListOptions, ObjectStore } from './types.js'
import { MAX_DELETE_BATCH } from './types.js'

/**
 * Every object under `prefix`, page by page (one LIST request per page of up to 1000).
 * @example
 * for await (const object of listAll(store, 'products/')) console.log(object.key)
 */
export async function* listAll(
  store: ObjectStore,
  prefix: string,
  options: Omit<ListOptions, 'cursor' | 'delimiter'> = {},
): AsyncGenerator<ListedObject> {
  let cursor: string | undefined
  do {
    const page = await store.list(prefix, { ...options, ...(cursor ? { cursor } : {}) })
    yield* page.objects
    cursor = page.cursor
  } while (cursor)
}

/** Deletes any number of keys in batches of 1000 (one DeleteObjects request each); returns how many were deleted. */
export async function deleteAll(store: ObjectStore, keys: readonly string[]): Promise<number> {
  let deleted = 0
  for (let i = 0; i < keys.length; i += MAX_DELETE_BATCH) {
    const result = await store.deleteMany(keys.slice(i, i + MAX_DELETE_BATCH))
    if (result.errors.length > 0) {
      const first = result.errors[0]
      throw new Error(`deleteMany failed for ${result.errors.length} keys, first ${first?.key}: ${first?.code} ${first?.message}`)
    }
    deleted += result.deleted.length
  }
  return deleted
}
