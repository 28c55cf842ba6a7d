import { deleteAll } from '../store/store-helpers.js'
import { mapLimit } from './concurrency.js'
import type { RepoCore } from './repo-core.js'

/** Writes index entries (empty objects), `concurrency` at a time: one PUT each. */
export async function writeEntries(core: RepoCore, keys: readonly string[]): Promise<void> {
  await mapLimit(keys, core.settings.concurrency, (key) => core.store.put(key, ''))
}

/** Removes index entries in batches of 1000: one DeleteObjects request per batch, none for no keys. */
export async function removeEntries(core: RepoCore, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await deleteAll(core.store, keys)
}
