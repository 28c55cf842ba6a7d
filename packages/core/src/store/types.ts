/**
 * The ObjectStore port: the one narrow interface every part of S3verless talks to storage through.
 * Each method is exactly one S3 request, so counting calls counts requests.
 */

/** An object body as handed to `put`: bytes or a string (stored as UTF-8). */
export type Body = Uint8Array | string

/** Options for {@link ObjectStore.get}. */
export interface GetOptions {
  /** Conditional GET: when the object's etag equals this, answer `{ notModified: true }` without a body. */
  ifNoneMatch?: string
}

/** A stored object as returned by `get`. */
export interface StoredObject {
  readonly notModified: false
  readonly key: string
  readonly body: Uint8Array
  /** The object's version tag, unquoted. Changes whenever the object is written. */
  readonly etag: string
  readonly lastModified: Date
  /** The store's own clock at the time of the answer (S3's `Date` header), for lease judgements. */
  readonly serverTime: Date
  readonly contentType?: string
}

/** Answer to a conditional GET whose etag still matched. */
export interface NotModified {
  readonly notModified: true
  readonly key: string
  readonly etag: string
  readonly serverTime: Date
}

/** Options for {@link ObjectStore.put}. At most one of `ifNoneMatch` and `ifMatch`. */
export interface PutOptions {
  /** `'*'`: create only if the key does not exist; otherwise `PreconditionFailed`. */
  ifNoneMatch?: '*'
  /** Compare-and-swap: write only if the current etag equals this; otherwise `PreconditionFailed`. */
  ifMatch?: string
  contentType?: string
}

/** Result of a successful `put`. */
export interface PutResult {
  readonly etag: string
}

/** Options for {@link ObjectStore.delete}. */
export interface DeleteOptions {
  /** Delete only if the etag still matches (where the store supports it: see `capabilities`). */
  ifMatch?: string
}

/** Options for {@link ObjectStore.list}. */
export interface ListOptions {
  /** Return only keys strictly after this one (in UTF-8 byte order). */
  startAfter?: string
  /** The `cursor` of a previous page. */
  cursor?: string
  /** Page size, 1–1000 (default 1000). */
  limit?: number
  /** Group keys that contain this after the prefix into `commonPrefixes`. */
  delimiter?: string
}

/** One key in a listing. */
export interface ListedObject {
  readonly key: string
  readonly lastModified: Date
  readonly size: number
  readonly etag?: string
}

/** One page of a listing. */
export interface ListPage {
  readonly objects: readonly ListedObject[]
  readonly commonPrefixes: readonly string[]
  /** Pass as `cursor` to get the next page; `undefined` on the last page. */
  readonly cursor?: string
  /** The store's clock at the time of the answer. */
  readonly serverTime: Date
}

/** Result of `deleteMany`. */
export interface DeleteManyResult {
  readonly deleted: readonly string[]
  readonly errors: readonly { key: string; code: string; message: string }[]
}

/** What a store can and cannot do; the write protocol adapts to it. */
export interface StoreCapabilities {
  /** `delete` honours `ifMatch`. */
  readonly conditionalDelete: boolean
  /**
   * How coarse the store's clock readings are, in milliseconds: `lastModified` and `serverTime` of
   * a `get` (S3 sends both as HTTP dates, to the second: 1000). Leases judged on these readings must
   * be at least twice this long (default when absent: 1000).
   */
  readonly timeResolutionMs?: number
}

/** The clock resolution a store declares, 1000 ms (HTTP dates) when it does not say. */
export const timeResolutionOf = (store: { capabilities: StoreCapabilities }): number => store.capabilities.timeResolutionMs ?? 1000

/** Most keys one `deleteMany` request may carry (the S3 DeleteObjects limit). */
export const MAX_DELETE_BATCH = 1000
/** Largest page one `list` request returns (the S3 ListObjectsV2 limit). */
export const MAX_LIST_PAGE = 1000
/** Longest key in UTF-8 bytes (the S3 limit). */
export const MAX_KEY_BYTES = 1024

/**
 * The storage port. Adapters: `memoryStore`, `s3Store` and `fsStore` (from `@s3verless/core/fs`).
 * Semantics (checked by `runStoreConformance` from `@s3verless/testing`):
 * - `get` of a missing key resolves `null`.
 * - conditional `put` fails with `PreconditionFailed` (code `store.preconditionFailed`) when its condition fails;
 *   a conflicting concurrent write fails with `Conflict`.
 * - `list` returns keys in UTF-8 byte order.
 * - `delete` is idempotent; `deleteMany` takes at most 1000 keys.
 */
export interface ObjectStore {
  /** A short name for messages and stats (`memory`, `fs`, `s3`). */
  readonly name: string
  readonly capabilities: StoreCapabilities
  get(key: string): Promise<StoredObject | null>
  get(key: string, options: GetOptions): Promise<StoredObject | NotModified | null>
  put(key: string, body: Body, options?: PutOptions): Promise<PutResult>
  delete(key: string, options?: DeleteOptions): Promise<void>
  deleteMany(keys: readonly string[]): Promise<DeleteManyResult>
  list(prefix: string, options?: ListOptions): Promise<ListPage>
}
