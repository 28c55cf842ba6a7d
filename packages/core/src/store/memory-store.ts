import { PreconditionFailed } from '../errors.js'
import { compareUtf8 } from './byte-order.js'
import { toBytes } from './bytes.js'
import { unquoteEtag } from './etag.js'
import { assertDeleteBatch, assertPageSize, assertPutConditions, assertValidKey } from './keys.js'
import { pageFromSorted } from './sorted-listing.js'
import type {
  DeleteManyResult,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListPage,
  NotModified,
  ObjectStore,
  PutOptions,
  PutResult,
  StoredObject,
} from './types.js'

/** Options for {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock the store stamps `lastModified` and `serverTime` with (default: `Date.now`). */
  now?: () => number
  /**
   * Whether `delete` honours `ifMatch` (default true). `false` behaves like Ceph RGW, which ignores
   * If-Match on DELETE and deletes whatever is there: for testing the protocol such stores need.
   */
  conditionalDelete?: boolean
  /**
   * Resolution of the times a `get` reports and of a listing's `serverTime`, in ms (default 1).
   * `1000` behaves like S3, whose HTTP dates are whole seconds (a listing's `lastModified` keeps its
   * milliseconds, as Ceph RGW's does).
   */
  timeResolutionMs?: number
}

interface Entry {
  body: Uint8Array
  etag: string
  lastModified: number
  contentType?: string
}

/** A memory store with its contents open for inspection in tests. */
export interface MemoryStore extends ObjectStore {
  /** Every key, in UTF-8 byte order. */
  keys(): readonly string[]
  /** Removes everything. */
  clear(): void
}

let storeCounter = 0

/**
 * An in-memory object store with the reference semantics of the port: UTF-8 byte-order listing,
 * opaque paging cursors, delimiters, conditional writes (create-if-absent, compare-and-swap,
 * conditional delete), conditional GET and the DeleteObjects limit. Every write gets a new etag.
 * Also the engine behind `InMemoryS3` in `@s3verless/testing`.
 * @example
 * const store = memoryStore()
 * await store.put('a.json', '{}', { ifNoneMatch: '*' })
 */
export const memoryStore = (options: MemoryStoreOptions = {}): MemoryStore => {
  const now = options.now ?? Date.now
  const conditionalDelete = options.conditionalDelete ?? true
  const resolution = options.timeResolutionMs ?? 1
  /** A clock reading as the store reports it: truncated to its resolution. */
  const reading = (ms: number) => new Date(Math.floor(ms / resolution) * resolution)
  const objects = new Map<string, Entry>()
  const sorted: string[] = []
  const instance = (++storeCounter).toString(36)
  let version = 0
  const nextEtag = () => `${instance}-${(++version).toString(16).padStart(8, '0')}`

  // Keys are kept sorted lazily: new keys wait in `pending` and are merged in (one sort of the
  // newcomers plus a linear merge) when a listing needs order, so bulk loads stay O(n log n).
  let pending: string[] = []
  let removed = false
  const insertKey = (key: string) => {
    pending.push(key)
  }
  const removeKey = () => {
    removed = true
  }
  const sortedKeys = (): string[] => {
    if (removed) {
      const live = sorted.filter((k) => objects.has(k))
      sorted.length = 0
      sorted.push(...live)
      pending = pending.filter((k) => objects.has(k))
      removed = false
    }
    if (pending.length > 0) {
      const fresh = [...new Set(pending)].filter((k) => objects.has(k)).sort(compareUtf8)
      pending = []
      const merged: string[] = []
      let i = 0
      let j = 0
      while (i < sorted.length || j < fresh.length) {
        const order = j >= fresh.length ? -1 : i >= sorted.length ? 1 : compareUtf8(sorted[i] as string, fresh[j] as string)
        if (order <= 0) merged.push(sorted[i++] as string)
        if (order >= 0) {
          if (order > 0) merged.push(fresh[j] as string)
          j++
        }
      }
      sorted.length = 0
      for (const k of merged) sorted.push(k)
    }
    return sorted
  }

  function get(key: string): Promise<StoredObject | null>
  function get(key: string, opts: GetOptions): Promise<StoredObject | NotModified | null>
  async function get(key: string, opts: GetOptions = {}): Promise<StoredObject | NotModified | null> {
    assertValidKey('get', key)
    const entry = objects.get(key)
    const serverTime = reading(now())
    if (!entry) return null
    if (opts.ifNoneMatch !== undefined && unquoteEtag(opts.ifNoneMatch) === entry.etag) {
      return { notModified: true, key, etag: entry.etag, serverTime }
    }
    return {
      notModified: false,
      key,
      body: entry.body.slice(),
      etag: entry.etag,
      lastModified: reading(entry.lastModified),
      serverTime,
      ...(entry.contentType ? { contentType: entry.contentType } : {}),
    }
  }

  return {
    name: 'memory',
    capabilities: { conditionalDelete, timeResolutionMs: resolution },
    get,
    async put(key: string, body, opts: PutOptions = {}): Promise<PutResult> {
      assertValidKey('put', key)
      assertPutConditions(key, opts)
      const bytes = toBytes(body).slice()
      const current = objects.get(key)
      if (opts.ifNoneMatch === '*' && current) throw new PreconditionFailed('put', key)
      if (opts.ifMatch !== undefined && (!current || current.etag !== unquoteEtag(opts.ifMatch))) {
        throw new PreconditionFailed('put', key)
      }
      const etag = nextEtag()
      objects.set(key, { body: bytes, etag, lastModified: now(), ...(opts.contentType ? { contentType: opts.contentType } : {}) })
      if (!current) insertKey(key)
      return { etag }
    },
    async delete(key: string, opts: DeleteOptions = {}): Promise<void> {
      assertValidKey('delete', key)
      const current = objects.get(key)
      if (conditionalDelete && opts.ifMatch !== undefined && (!current || current.etag !== unquoteEtag(opts.ifMatch))) {
        if (!current) return
        throw new PreconditionFailed('delete', key)
      }
      if (current) {
        objects.delete(key)
        removeKey()
      }
    },
    async deleteMany(keys: readonly string[]): Promise<DeleteManyResult> {
      assertDeleteBatch(keys)
      for (const key of keys) {
        if (objects.delete(key)) removeKey()
      }
      return { deleted: [...keys], errors: [] }
    },
    async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
      assertPageSize('list', opts.limit)
      const page = await pageFromSorted(sortedKeys(), prefix, opts, (key) => {
        const entry = objects.get(key)
        if (!entry) return null
        return { key, lastModified: new Date(entry.lastModified), size: entry.body.length, etag: entry.etag }
      })
      return { ...page, serverTime: reading(now()) }
    },
    keys: () => [...sortedKeys()],
    clear: () => {
      objects.clear()
      sorted.length = 0
      pending = []
    },
  }
}
