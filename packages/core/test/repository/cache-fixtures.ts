import type { CachedRecord, ObjectStore, RecordCache, RecordCacheOptions } from '../../src/index.js'
import { createDatabase, instrumentStore, memoryStore, recordCache } from '../../src/index.js'
import { Author, Book, Product } from './fixtures.js'

/**
 * A Map-backed RecordCache with TTLs on a manual clock (core's tests cannot use @s3verless/cache:
 * the dependency points the other way). `invalidated` lists every `invalidateModel` call.
 */
export function mapCache(clock: { now: () => number } = { now: () => 0 }) {
  const entries = new Map<string, { value: CachedRecord; expiresAt: number }>()
  const invalidated: string[] = []
  const cache = {
    entries,
    invalidated,
    async get(model: string, id: string) {
      const entry = entries.get(`${model}/${id}`)
      return entry && clock.now() <= entry.expiresAt ? entry.value : undefined
    },
    async set(model: string, id: string, value: CachedRecord, ttlSeconds?: number) {
      entries.set(`${model}/${id}`, { value, expiresAt: ttlSeconds ? clock.now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY })
    },
    async delete(model: string, id: string) {
      entries.delete(`${model}/${id}`)
    },
    async invalidateModel(model: string) {
      invalidated.push(model)
    },
  } satisfies RecordCache & Record<string, unknown>
  return recordCache(cache)
}

/** One `get` as the store saw it: with or without `ifNoneMatch`, and whether a body came back. */
export interface GetSeen {
  key: string
  ifNoneMatch: string | undefined
  answer: 'body' | 'notModified' | 'null'
}

/** Wraps a store to log every `get` (options and answer) and, when `hold` is set, park matching gets after the store answered. */
export function watchedStore(inner: ObjectStore) {
  const gets: GetSeen[] = []
  let hold: { match: (key: string) => boolean; until: Promise<void> } | undefined
  const get = async (key: string, options: { ifNoneMatch?: string } = {}) => {
    const object = await inner.get(key, options)
    gets.push({ key, ifNoneMatch: options.ifNoneMatch, answer: !object ? 'null' : object.notModified ? 'notModified' : 'body' })
    const parked = hold
    if (parked?.match(key)) {
      hold = undefined
      await parked.until
    }
    return object
  }
  const store = { ...inner, get: get as ObjectStore['get'] } satisfies ObjectStore
  return {
    store,
    gets,
    /** The next get of a key matching `match` resolves only after `until` (its answer already taken). */
    holdNext(match: (key: string) => boolean, until: Promise<void>) {
      hold = { match, until }
    },
  }
}

/**
 * Two databases on one memory store: `db` reads through `cache` (counted and logged), `other` has no
 * cache and plays another process writing behind its back.
 */
export function cachedSetup(
  cache: Omit<RecordCacheOptions, 'backend'> & { backend?: RecordCache } = {},
  options: { leaseMs?: number } = {},
) {
  const memory = memoryStore()
  const counted = instrumentStore(memory)
  const watched = watchedStore(counted)
  const backend = mapCache()
  const db = createDatabase({ store: watched.store, models: [Product, Author, Book], cache: { backend, ...cache }, ...options })
  const other = createDatabase({ store: memory, models: [Product, Author, Book] })
  return {
    memory,
    store: counted,
    gets: watched.gets,
    holdNext: watched.holdNext,
    backend,
    db,
    products: db.repository(Product),
    authors: db.repository(Author),
    otherProducts: other.repository(Product),
  }
}

/** Runs `work` and returns the requests it made. */
export async function requestsOf(store: ReturnType<typeof instrumentStore>, work: () => Promise<unknown>) {
  store.reset()
  await work()
  return store.counts()
}
