import { isS3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { IndexNotReadyError } from '../model/model-errors.js'
import { fromUtf8 } from '../store/bytes.js'
import type { ObjectStore } from '../store/types.js'
import type { IndexPlan } from './index-entries.js'

/** How long a process trusts what it read of a model's index catalog before reading it again (5 min). */
export const CATALOG_TTL_MS = 5 * 60_000

/** The tag of an index or unique constraint in the catalog: `asc:price`, `desc:createdAt`, `unique:sku`. */
export type IndexTag = `asc:${string}` | `desc:${string}` | `unique:${string}`

const describe = (tag: IndexTag) => {
  const [kind, field] = tag.split(':') as [string, string]
  return kind === 'unique' ? `the unique constraint on ${field}` : `the ${kind === 'desc' ? 'descending ' : ''}index on ${field}`
}

/**
 * Which of a model's declared indexes and unique constraints are complete for the data already
 * stored, kept in `{base}_meta/{plural}.json` (`{ "ready": [tags] }`). A new collection starts with
 * all of them ready; an index added to a model that already has records (or data from before the
 * catalog) is ready only once `reindex()` has built it. Queries use only ready indexes; lookups that
 * cannot do without one (`findBy`, `findAllBy`, relations) and writes under an unready unique
 * constraint fail with `model.indexNotReady` instead of silently missing records.
 *
 * Costs: one GET per model per process every {@link CATALOG_TTL_MS}; the first write to a new
 * collection also lists one key and creates the catalog.
 */
export class IndexCatalog {
  readonly key: string
  readonly declared: readonly IndexTag[]
  #ready: ReadonlySet<string> | undefined
  #loadedAt = 0
  #loading: Promise<ReadonlySet<string>> | undefined

  constructor(
    readonly model: Model,
    private readonly store: ObjectStore,
    basePath: string,
    private readonly recordPrefix: string,
    plan: IndexPlan,
  ) {
    this.key = `${basePath}_meta/${model.plural}.json`
    this.declared = [
      ...plan.ascending.map((f) => `asc:${f}` as const),
      ...plan.descending.map((f) => `desc:${f}` as const),
      ...model.unique.map((f) => `unique:${f}` as const),
    ]
  }

  /** The ready tags as last read, or `undefined` before the first read (no I/O). */
  known(): ReadonlySet<string> | undefined {
    return this.#ready
  }

  /** The ready tags, read from the store when not read in the last {@link CATALOG_TTL_MS}. */
  async ready(): Promise<ReadonlySet<string>> {
    if (this.#ready && Date.now() - this.#loadedAt < CATALOG_TTL_MS) return this.#ready
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  /** @throws IndexNotReadyError unless every tag is ready. */
  async require(...tags: IndexTag[]): Promise<void> {
    if (tags.length === 0) return
    const ready = await this.ready()
    const missing = tags.find((t) => !ready.has(t))
    if (missing) throw new IndexNotReadyError(this.model.name, describe(missing))
  }

  /** Records `tags` as built (compare-and-swap on the catalog, retried on conflict). */
  async markReady(tags: readonly IndexTag[]): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.store.get(this.key)
      const ready = new Set([...(current ? parse(current.body) : []), ...tags])
      const body = JSON.stringify({ version: 1, ready: [...ready].sort() })
      try {
        await this.store.put(this.key, body, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' })
        this.#remember(ready)
        return
      } catch (error) {
        if (!isS3verlessError(error, 'store.preconditionFailed') && !isS3verlessError(error, 'store.conflict')) throw error
      }
    }
  }

  async #load(): Promise<ReadonlySet<string>> {
    const current = await this.store.get(this.key)
    if (current) return this.#remember(new Set(parse(current.body)))
    const page = await this.store.list(this.recordPrefix, { limit: 1 })
    if (page.objects.length > 0) {
      // Records exist. Every write makes the catalog before its first record, so a catalog made since
      // our first look is theirs; only without one are they data from before catalogs: reindex first.
      const made = await this.store.get(this.key)
      return this.#remember(new Set(made ? parse(made.body) : []))
    }
    try {
      await this.store.put(this.key, JSON.stringify({ version: 1, ready: [...this.declared].sort() }), { ifNoneMatch: '*' })
      return this.#remember(new Set(this.declared))
    } catch (error) {
      if (!isS3verlessError(error, 'store.preconditionFailed') && !isS3verlessError(error, 'store.conflict')) throw error
      const created = await this.store.get(this.key)
      return this.#remember(new Set(created ? parse(created.body) : []))
    }
  }

  #remember(ready: ReadonlySet<string>): ReadonlySet<string> {
    this.#ready = ready
    this.#loadedAt = Date.now()
    return ready
  }
}

function parse(body: Uint8Array): string[] {
  try {
    const value = JSON.parse(fromUtf8(body)) as { ready?: unknown }
    return Array.isArray(value.ready) ? value.ready.filter((t): t is string => typeof t === 'string') : []
  } catch {
    return []
  }
}
