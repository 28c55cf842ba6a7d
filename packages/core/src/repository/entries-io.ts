import { deleteAll } from '../store/store-helpers.js'
import { mapLimit, writeToken } from './concurrency.js'
import type { RepoCore } from './repo-core.js'

/**
 * Writes index entries, `concurrency` at a time: one PUT each. A first write has an empty body; a
 * rewrite (`again`) gets a fresh one, so its etag changes and a removal judged on the old etag fails.
 */
export async function writeEntries(core: RepoCore, keys: readonly string[], again = false): Promise<void> {
  await mapLimit(keys, core.settings.concurrency, (key) => core.store.put(key, again ? writeToken() : ''))
}

/** Removes index entries in batches of 1000: one DeleteObjects request per batch, none for no keys. */
export async function removeEntries(core: RepoCore, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await deleteAll(core.store, keys)
}
