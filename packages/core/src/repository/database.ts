import { S3ClientManager } from '../client/s3-client-manager.js'
import { DEFAULT_BASE_PATH, type Model } from '../model/define-model.js'
import { ModelDefinitionError } from '../model/model-errors.js'
import { createRegistry, type Registry } from '../model/registry.js'
import type { ObjectStore } from '../store/types.js'
import { DEFAULT_CONCURRENCY } from './concurrency.js'
import { DEFAULT_LEASE_MS, RepoCore } from './repo-core.js'
import { Repository } from './repository.js'

/** Options of {@link createDatabase}. */
export interface DatabaseOptions {
  /** Where data lives: any ObjectStore, or an `S3ClientManager` (with `bucket` or its configured bucket). */
  store: ObjectStore | S3ClientManager
  bucket?: string
  /** Every model of the application (relations are resolved among them). */
  models: readonly Model[]
  /** Key prefix of all data (default `s3verless-data/`, the `S3_BASE_PATH` setting). */
  basePath?: string
  /** Claim and index-entry lease in ms (default 30 000); see DESIGN.md §5. */
  leaseMs?: number
  /** Requests a repository keeps in flight at once (default 16). */
  concurrency?: number
}

/** An application's models bound to one store. */
export interface Database {
  readonly store: ObjectStore
  readonly registry: Registry
  readonly basePath: string
  /** The typed repository of a model of this database. */
  repository<M extends Model>(model: M): Repository<M>
}

/**
 * Binds models to a store. Create one per application (or per test): nothing is global.
 * @example
 * const db = createDatabase({ store: fsStore({ root: './data' }), models: [User, Post] })
 * const posts = db.repository(Post)
 */
export function createDatabase(options: DatabaseOptions): Database {
  const store = options.store instanceof S3ClientManager ? options.store.store(options.bucket) : options.store
  const registry = createRegistry(options.models)
  const basePath = options.basePath ?? DEFAULT_BASE_PATH
  if (basePath !== '' && !basePath.endsWith('/')) throw new ModelDefinitionError(`basePath must end with "/", got "${basePath}"`)
  const settings = {
    store,
    basePath,
    registry,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
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
  return {
    store,
    registry,
    basePath,
    repository<M extends Model>(model: M): Repository<M> {
      let repo = repos.get(model)
      if (!repo) {
        repo = new Repository(model, coreOf(model), coreOf)
        repos.set(model, repo)
      }
      return repo as unknown as Repository<M>
    },
  }
}
