import type { S3ClientManager } from '../client/s3-client-manager.js'
import { storeFrom } from '../client/store-source.js'
import { SettingsError } from '../errors.js'
import { DEFAULT_BASE_PATH, type Model } from '../model/define-model.js'
import { ModelDefinitionError } from '../model/model-errors.js'
import { createRegistry, type Registry } from '../model/registry.js'
import { type ObjectStore, timeResolutionOf } from '../store/types.js'
import { DEFAULT_CONCURRENCY } from './concurrency.js'
import type { RecordCacheOptions, RecordCacheStats } from './record-cache.js'
import { cacheEngineOf, emptyCacheStats } from './record-cache-port.js'
import { DEFAULT_LEASE_MS, RepoCore, type RepoSettings } from './repo-core.js'
import { Repository } from './repository.js'
import { type Transaction, type TransactionOptions, transaction } from './transaction.js'

/** Options of {@link createDatabase}. */
export interface DatabaseOptions {
  /** Where data lives: any ObjectStore, or an `S3ClientManager` (with `bucket` or its configured bucket). */
  store: ObjectStore | S3ClientManager
  bucket?: string
  /** Every model of the application (relations are resolved among them). */
  models: readonly Model[]
  /** Key prefix of all data (default `s3verless-data/`, the `S3_BASE_PATH` setting). */
  basePath?: string
  /**
   * Claim and index-entry lease in ms (default 30 000); see DESIGN.md §5. It must be at least twice
   * the store's clock resolution (`capabilities.timeResolutionMs`: 2000 ms on S3, whose times are
   * whole seconds), or a fresh claim could look abandoned.
   */
  leaseMs?: number
  /** Requests a repository keeps in flight at once (default 16). */
  concurrency?: number
  /**
   * Read records through a cache (default: none). `'revalidate'` mode (the default) makes every read
   * one conditional GET and never serves a stale record; `'ttl'` mode answers fresh entries with no
   * request. Writes through this database refresh their record's entry in both modes.
   * @throws SettingsError (from `createDatabase`) for an invalid mode or TTL, or an override naming no model.
   */
  cache?: RecordCacheOptions
}

/** An application's models bound to one store. */
export interface Database {
  readonly store: ObjectStore
  readonly registry: Registry
  readonly basePath: string
  /** Counters of the record cache (all zero without one): hits, revalidations, stale entries, misses, errors. */
  cacheStats(): RecordCacheStats
  /** The typed repository of a model of this database. */
  repository<M extends Model>(model: M): Repository<M>
  /**
   * Runs `fn` as one transaction over any records of this database: every write made through `tx`
   * becomes visible together at the commit, or none does; what `fn` read is validated at the commit.
   * The same as {@link transaction}`(db, fn, options)` (README "Transactions").
   * @example
   * await db.transaction(async (tx) => {
   *   const product = await tx.repository(Product).getOrThrow(productId)
   *   await tx.repository(Product).update(productId, { stock: product.stock - 1 })
   *   await tx.repository(Order).create({ productId, qty: 1 })
   * }, { retries: 5 })
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>
}

/**
 * Binds models to a store. Create one per application (or per test): nothing is global.
 * @throws ModelDefinitionError for a `basePath` without a trailing `/`; SettingsError for an invalid `cache`,
 *   or a `leaseMs` below twice the store's clock resolution.
 * @example
 * const db = createDatabase({ store: fsStore({ root: './data' }), models: [User, Post] })
 * const posts = db.repository(Post)
 * // with a record cache (repositoryCache and InMemoryCache come from @s3verless/cache):
 * const cached = createDatabase({ store, models: [User, Post], cache: { backend: repositoryCache(new InMemoryCache()), mode: 'ttl' } })
 */
export function createDatabase(options: DatabaseOptions): Database {
  const store = storeFrom(options.store, options.bucket)
  const registry = createRegistry(options.models)
  const basePath = options.basePath ?? DEFAULT_BASE_PATH
  if (basePath !== '' && !basePath.endsWith('/')) throw new ModelDefinitionError(`basePath must end with "/", got "${basePath}"`)
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  const floor = 2 * timeResolutionOf(store)
  if (typeof leaseMs !== 'number' || !Number.isFinite(leaseMs) || leaseMs < floor) {
    throw new SettingsError(
      `leaseMs must be at least ${floor} ms on the ${store.name} store (it reports times to ${timeResolutionOf(store)} ms, and claims are judged abandoned by their age in those times), got ${String(leaseMs)}`,
      { details: { variables: ['leaseMs'], minimum: floor } },
    )
  }
  const stats = emptyCacheStats()
  if (options.cache) cacheEngineOf(options.cache).check(options.cache, registry.models)
  const settings: RepoSettings = {
    store,
    basePath,
    registry,
    leaseMs,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...(options.cache ? { cache: { options: { ...options.cache }, stats } } : {}),
  }
  const cores = new Map<Model, RepoCore>()
  const repos = new Map<Model, Repository<Model>>()
  const coreOf = (model: Model): RepoCore => {
    let core = cores.get(model)
    if (!core) {
      if (!registry.models.includes(model)) {
        throw new ModelDefinitionError(
          `Model ${model.name} is not part of this database (models: ${registry.models.map((m) => m.name).join(', ')})`,
        )
      }
      core = new RepoCore(model, settings)
      cores.set(model, core)
    }
    return core
  }
  const db: Database = {
    store,
    registry,
    basePath,
    cacheStats: () => ({ ...stats }),
    transaction: (fn, txOptions) => transaction(db, fn, txOptions),
    repository<M extends Model>(model: M): Repository<M> {
      let repo = repos.get(model)
      if (!repo) {
        repo = new Repository(model, coreOf(model), coreOf)
        repos.set(model, repo)
      }
      return repo as unknown as Repository<M>
    },
  }
  return db
}
