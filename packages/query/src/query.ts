import { type InferRecord, type Model, type PageResult, S3verlessError, type Stored } from '@s3verless/core'
import { checkWindow, listLiveIds } from '@s3verless/core/internal'
import { coerceCondition } from './coerce.js'
import { makeCursor, readCursor } from './cursor.js'
import { MultipleResultsError, NoResultsError, QueryTooExpensiveError } from './errors.js'
import { countEntries, type Execution, execute, type Match, sortMatches, stream } from './executor.js'
import type { FilterInput } from './filters/filter-types.js'
import { parseFilter } from './filters/parse-filter.js'
import type { Plan, QueryState } from './plan-types.js'
import { planWithCatalog } from './planner.js'
import { type QueryClient, type QueryOptions, type QueryTarget, repositoryFor, targetOf } from './query-target.js'
import { countCodec, DEFAULT_RESULT_TTL_SECONDS, matchesCodec, throughResultCache } from './result-cache.js'
import { shapeResults } from './shape-results.js'

/** Result of {@link Query.paginate}: the repository's page shape plus a cursor. */
export interface QueryResult<T> extends PageResult<T> {
  /** Continue after this page with `.after(nextCursor)` (cheaper than asking for the next page number). */
  nextCursor: string | undefined
  /**
   * Corrupt records met while reading this page and left out (their objects no longer parse or fit
   * the schema); absent when there were none. `totalCount` does not count them.
   */
  skipped?: number
}

/** Result of {@link Query.fetch}: one page and the cursor of the next. */
export interface QueryPage<T> {
  items: T[]
  nextCursor: string | undefined
  /** Corrupt records met while reading this page and left out; absent when there were none. */
  skipped?: number
}

/** What one run of a plan produced. */
interface RunResult {
  page: Match[]
  more: boolean
  /** Ids of the corrupt records the run met and left out. */
  skipped: string[]
}

type FieldName<T> = Extract<keyof T, string>

/** `{ skipped: n }` when a run met corrupt records, else nothing. */
const skippedOf = (ids: string[]) => (ids.length > 0 ? { skipped: ids.length } : {})

const invalid = (message: string) => new S3verlessError('query.invalidArgument', message)
const checkCount = (what: string, n: number, min: number) => {
  if (!Number.isInteger(n) || n < min) throw invalid(`${what} must be an integer ≥ ${min}, got ${n}`)
}

/**
 * An immutable, typed query over one model: every builder call returns a new query; `explain()`
 * plans without I/O; `all()`, `first()`, `get()`, `count()`, `exists()`, `paginate()` and `fetch()`
 * execute. The planner uses ids, unique claims and indexes, and only falls back to a full scan
 * (flagged by `explain()`, refused past `maxScan`) when nothing else fits.
 * @example
 * const cheap = await query(products).filter({ category: 'home', price__lt: 50 }).orderBy('-price').limit(10).all()
 * query(products).filter({ price__gte: 10 }).explain() // { path: { kind: 'indexRange', field: 'price' }, predicted: … }
 */
export class QueryBuilder<T extends { id: string }, Out = T> {
  declare private readonly target: QueryTarget
  declare private readonly state: QueryState

  /** @internal */
  static fromTarget<T extends { id: string }, Out = T>(target: QueryTarget, state: QueryState): QueryBuilder<T, Out> {
    const query = Object.create(QueryBuilder.prototype) as QueryBuilder<T, Out>
    Object.assign(query, { target, state })
    return query
  }

  private with<O = Out>(change: Partial<QueryState>): QueryBuilder<T, O> {
    return QueryBuilder.fromTarget<T, O>(this.target, { ...this.state, ...change })
  }

  private parse(input: FilterInput<T>) {
    return parseFilter(input as Record<string, unknown>, { fields: this.target.fieldNames }).map((c) =>
      coerceCondition(this.target.fields, c),
    )
  }

  /** Keeps records matching every condition (`{ price__gt: 5, category: 'home' }`). Calls combine with AND. */
  filter(input: FilterInput<T>): QueryBuilder<T, Out> {
    return this.with({ conditions: [...this.state.conditions, ...this.parse(input)] })
  }

  /** Drops records matching all of these conditions together; `exclude({ price__gt: 9 })` keeps price ≤ 9 and nulls. */
  exclude(input: FilterInput<T>): QueryBuilder<T, Out> {
    const group = this.parse(input)
    return group.length === 0 ? this : this.with({ excludes: [...this.state.excludes, group] })
  }

  /**
   * Sorts by a field; prefix `-` for descending. Nulls come first ascending, last descending; ties go by
   * id. An index on the field (a descending one for `-field`) serves the order, so a limit stops early;
   * for `-field` with only an ascending index (numbers, dates, booleans) the index is listed to its end
   * and read backwards (LIST only, then just the records wanted);
   * `id` is served by the records' own listing. `createdAt` is not id order (a caller may choose any id):
   * without an index on it the records are sorted in memory.
   */
  orderBy(field: FieldName<T> | `-${FieldName<T>}`): QueryBuilder<T, Out> {
    const descending = field.startsWith('-')
    const name = descending ? field.slice(1) : field
    if (!this.target.fieldNames.includes(name)) {
      throw new S3verlessError(
        'query.unknownField',
        `Cannot order ${this.target.shape.name} by unknown field "${name}" (fields: ${this.target.fieldNames.join(', ')})`,
      )
    }
    return this.with({ order: { field: name, descending } })
  }

  /**
   * Keeps records where any of `fields` contains `text`, case-insensitively (as `icontains`): OR
   * across the fields, AND with the filters. `fields` defaults to the model's string fields. No index
   * serves a text search: it is checked on every record the access path reads, so on its own it is a
   * full scan (refused past `maxScan`), and behind an indexed filter it costs what that filter reads;
   * `explain()` says which. An empty `text` searches nothing (the query is unchanged).
   * @throws S3verlessError `query.invalidArgument` for a field that is not a text field.
   * @example
   * await query(products).filter({ category: 'home' }).search('lamp', ['name', 'sku']).all()
   */
  search(text: string, fields?: readonly string[]): QueryBuilder<T, Out> {
    const isText = (f: string) => {
      const info = this.target.fields[f]
      return info?.kind === 'string' || info?.element === 'string'
    }
    const chosen = fields ?? Object.keys(this.target.fields).filter(isText)
    const bad = chosen.find((f) => !isText(f))
    if (bad !== undefined) throw invalid(`Cannot search "${bad}" of ${this.target.shape.name}: not a text field`)
    return text ? this.with({ search: { text, fields: [...chosen] } }) : this
  }

  /** At most `n` results. */
  limit(n: number): QueryBuilder<T, Out> {
    checkCount('limit', n, 0)
    return this.with({ limit: n })
  }

  /** Skips the first `n` results (after filtering and ordering). Cursors (`after`) are cheaper for deep pages. */
  offset(n: number): QueryBuilder<T, Out> {
    checkCount('offset', n, 0)
    return this.with({ offset: n })
  }

  /** Returns only these fields (and `id`). */
  select<K extends FieldName<T>>(...fields: K[]): QueryBuilder<T, Pick<T, K | 'id'>> {
    for (const f of fields)
      if (!this.target.fieldNames.includes(f))
        throw new S3verlessError('query.unknownField', `Cannot select unknown field "${f}" of ${this.target.shape.name}`)
    return this.with<Pick<T, K | 'id'>>({ select: fields })
  }

  /** Loads these relations for the whole result in batched lookups, as properties named after them. */
  prefetchRelated<R extends string>(...relations: R[]): QueryBuilder<T, Out & Record<R, unknown>> {
    const known = Object.keys(this.target.repository.model.relations)
    for (const r of relations) {
      if (!known.includes(r))
        throw new S3verlessError(
          'query.unknownRelation',
          `${this.target.shape.name} has no relation "${r}" (relations: ${known.join(', ') || 'none'})`,
        )
    }
    return this.with<Out & Record<R, unknown>>({ prefetch: [...this.state.prefetch, ...relations] })
  }

  /** Continues after a cursor from `fetch()` or `paginate()` of the same query. */
  after(cursor: string | undefined): QueryBuilder<T, Out> {
    return cursor === undefined ? this : this.with({ after: cursor })
  }

  /**
   * Refuses a full scan that would read more than `n` records (`0` refuses every scan), and an id
   * list (`id__in`) of more than `n` ids (each is a GET; one id is always allowed), with
   * `query.tooExpensive`, before any request.
   */
  maxScan(n: number): QueryBuilder<T, Out> {
    checkCount('maxScan', n, 0)
    return this.with({ maxScan: n })
  }

  /**
   * Serves this query's results from the database's cache backend for `ttlSeconds` (default 30): a
   * repeated query then costs no request until a write through the database changes the model.
   * Needs `createDatabase({ cache: { backend: repositoryCache(…) } })`; without it, does nothing.
   */
  cached(ttlSeconds = DEFAULT_RESULT_TTL_SECONDS): QueryBuilder<T, Out> {
    if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) throw invalid(`cached: ttlSeconds must be a positive number, got ${ttlSeconds}`)
    return this.with({ cacheTtl: ttlSeconds })
  }

  private get resultTtl(): number | undefined {
    const configured = this.target.options.cacheResults
    return this.state.cacheTtl ?? (configured ? (configured.ttlSeconds ?? DEFAULT_RESULT_TTL_SECONDS) : undefined)
  }

  /** What identifies a result in the cache: everything that shapes it, or refuses it (the scan budget). */
  private cacheKey(kind: string, extra: unknown): unknown {
    const { conditions, excludes, order, limit, offset, after, search } = this.state
    return [kind, conditions, excludes, order ?? null, limit ?? null, offset, after ?? null, extra, this.budget ?? null, search ?? null]
  }

  /**
   * The plan: access path, whether the index serves the order, predicted requests. No I/O: it uses the
   * index catalog as last read (before the first read, every declared index counts as built). Indexes
   * declared but not yet built by `reindex()` are never used, and are listed in `unbuiltIndexes`.
   */
  explain(): Plan {
    return this.planWith(this.target.repository.core.catalog.known())
  }

  private planWith(ready: ReadonlySet<string> | undefined): Plan {
    return planWithCatalog(this.target.shape, this.state, ready, this.target.repository.core.catalog.declared)
  }

  /** Plans with the index catalog read from the store when due (one GET per process every few minutes). */
  private async plan(): Promise<Plan> {
    return this.planWith(await this.target.repository.core.catalog.ready())
  }

  private get budget(): number | undefined {
    return this.state.maxScan ?? this.target.options.maxScan
  }

  private guard(plan: Plan): void {
    if (plan.scan && this.budget === 0) throw new QueryTooExpensiveError(plan.model, 0, '')
  }

  /**
   * Runs the plan and returns the matches in order, after `offset`, up to `limit` (the builder's unless
   * given), and whether more may follow (when a limit stopped the listing, the next page can turn out
   * empty). After a cursor the query's offset is not applied again: the cursor stands past it.
   */
  private run(plan: Plan, extra: { offset?: number; limit?: number } = {}): Promise<RunResult> {
    const core = this.target.repository.core
    return throughResultCache(core, this.resultTtl, this.cacheKey('run', extra), matchesCodec<Match>(core), () =>
      this.runUncached(plan, extra),
    )
  }

  private async runUncached(plan: Plan, extra: { offset?: number; limit?: number }): Promise<RunResult> {
    this.guard(plan)
    const cursor = this.state.after ? readCursor(plan, this.state.after) : undefined
    const offset = cursor ? ('offset' in cursor ? cursor.offset : 0) : (extra.offset ?? this.state.offset)
    const limit = extra.limit ?? this.state.limit
    if (limit === 0) return { page: [], more: false, skipped: [] }
    const core = this.target.repository.core
    const at = cursor && 'position' in cursor ? cursor : undefined
    const execution: Execution = await execute(core, plan, {
      ...(limit !== undefined ? { want: offset + limit } : {}),
      ...(at ? { after: at.position } : {}),
      ...(at?.id !== undefined ? { resume: { id: at.id, ...(at.through ? { through: at.through } : {}) } } : {}),
      ...(this.budget !== undefined ? { maxScan: this.budget } : {}),
    })
    const all = plan.ordered ? execution.matches : sortMatches(execution.matches, plan.order)
    const end = limit === undefined ? all.length : offset + limit
    return { page: all.slice(offset, end), more: all.length > end || execution.stoppedEarly, skipped: execution.skipped }
  }

  /**
   * The cursor of the page after `page`: a listing position when the path serves the order (inside a
   * tie group of long values, with the last value served), otherwise the number of results served
   * (`served`, counted from the start of the answer).
   */
  private nextCursor(plan: Plan, page: Match[], served: number): string | undefined {
    const last = page.at(-1)
    if (!last) return undefined
    if (!plan.ordered) return makeCursor(plan, { offset: served })
    const id = last.raw.record.id
    if (last.group === undefined || !plan.order) return makeCursor(plan, { position: last.position, id })
    return makeCursor(plan, { position: last.group, id, through: { value: last.raw.record[plan.order.field] } })
  }

  /** How many results precede the first one `run()` returns (the cursor's count, or the offset). */
  private skipped(plan: Plan): number {
    const cursor = this.state.after ? readCursor(plan, this.state.after) : undefined
    return cursor ? ('offset' in cursor ? cursor.offset : 0) : this.state.offset
  }

  private shape(matches: Match[]): Promise<Stored<Out>[]> {
    return shapeResults<Stored<Out>>(matches, this.state, this.target.repository)
  }

  /** Every matching record (after `offset`, up to `limit`). */
  async all(): Promise<Stored<Out>[]> {
    const { page } = await this.run(await this.plan())
    return this.shape(page)
  }

  /**
   * Every matching record (after `offset`, up to `limit`), streamed in bounded memory through the
   * access path the planner chose: candidates are read `window` at a time (default 4 × the
   * database's concurrency; in parallel, bounded by it), so memory holds one window whatever the number
   * of matches. `maxScan` applies; stopping early (`break`) ends the listing. An order must be one the
   * path serves (an index on the field, or id order): sorting needs every match in memory, so
   * `iterate()` refuses an order no index serves (`query.invalidArgument`), where `all()` would sort.
   * Not cached. A cursor (`after`) resumes where a page ended.
   * @example
   * for await (const order of query(orders).filter({ status: 'open' }).iterate()) await ship(order)
   */
  async *iterate(options: { window?: number } = {}): AsyncGenerator<Stored<Out>> {
    const plan = await this.plan()
    this.guard(plan)
    if (plan.order && !plan.ordered) {
      throw new S3verlessError(
        'query.invalidArgument',
        `${plan.model}: iterate() needs an order an index serves, not orderBy('${plan.order.descending ? '-' : ''}${plan.order.field}'): index it, drop the order, or use all()`,
      )
    }
    const core = this.target.repository.core
    const window = checkWindow(core, options.window)
    const cursor = this.state.after ? readCursor(plan, this.state.after) : undefined
    let skip = cursor ? ('offset' in cursor ? cursor.offset : 0) : this.state.offset
    let left = this.state.limit ?? Number.POSITIVE_INFINITY
    if (left === 0) return
    const at = cursor && 'position' in cursor ? cursor.position : undefined
    for await (const batch of stream(core, plan, {
      window,
      ...(at !== undefined ? { after: at } : {}),
      ...(at !== undefined && cursor && 'id' in cursor && cursor.id !== undefined
        ? { resume: { id: cursor.id, ...(cursor.through ? { through: cursor.through } : {}) } }
        : {}),
      ...(this.budget !== undefined ? { maxScan: this.budget } : {}),
    })) {
      const dropped = Math.min(skip, batch.length)
      skip -= dropped
      const taken = batch.slice(dropped, dropped + Math.min(left, batch.length - dropped))
      left -= taken.length
      for (const record of await this.shape(taken)) yield record
      if (left === 0) return
    }
  }

  /** At most `n` results, and no more than the query's own limit. */
  private upTo(n: number): number {
    return Math.min(n, this.state.limit ?? n)
  }

  /** The first matching record (after `offset`), or `null` (always `null` after `limit(0)`). */
  async first(): Promise<Stored<Out> | null> {
    const { page } = await this.run(await this.plan(), { limit: this.upTo(1) })
    return (await this.shape(page))[0] ?? null
  }

  /**
   * Exactly one record among the query's results (after `offset`, within `limit`).
   * @throws NoResultsError (`query.noResults`), MultipleResultsError (`query.multipleResults`)
   */
  async get(): Promise<Stored<Out>> {
    const { page } = await this.run(await this.plan(), { limit: this.upTo(2) })
    if (page.length === 0) throw new NoResultsError(this.target.shape.name)
    if (page.length > 1) throw new MultipleResultsError(this.target.shape.name)
    return (await this.shape(page))[0] as Stored<Out>
  }

  /** Whether any record matches (after `offset`, within `limit`; stops at the first). */
  async exists(): Promise<boolean> {
    return (await this.run(await this.plan(), { limit: this.upTo(1) })).page.length > 0
  }

  /**
   * How many records match. Without filters it lists record keys; on a filter the index covers it
   * lists index entries only (⌈m/1000⌉ LISTs, no GET) — which can briefly count a write in flight or
   * a crash leftover; `{ exact: true }` reads and verifies every match instead.
   */
  count(options: { exact?: boolean } = {}): Promise<number> {
    const core = this.target.repository.core
    return throughResultCache(core, this.resultTtl, this.cacheKey('count', options.exact ?? false), countCodec, () =>
      this.countUncached(options),
    )
  }

  /** Whether `count()` of this plan lists keys without reading records (so it cannot see corrupt ones). */
  private listsOnly(plan: Plan): boolean {
    return plan.coveredByIndex && (plan.conditions.length === 0 || ['indexEq', 'indexRange', 'indexPrefix'].includes(plan.path.kind))
  }

  private async countUncached(options: { exact?: boolean }): Promise<number> {
    const plan = await this.plan()
    this.guard(plan)
    const core = this.target.repository.core
    let total: number
    if (!options.exact && this.listsOnly(plan))
      total = plan.conditions.length === 0 ? (await listLiveIds(core)).length : await countEntries(core, plan)
    else total = (await execute(core, plan, this.budget !== undefined ? { maxScan: this.budget } : {})).matches.length
    const afterOffset = Math.max(0, total - this.state.offset)
    return this.state.limit === undefined ? afterOffset : Math.min(afterOffset, this.state.limit)
  }

  /**
   * Page `page` (1-based) of `pageSize` with totals, over the query's results: its `offset` and
   * `limit` mark out what is paged (`offset(10).limit(50).paginate(2, 20)` is results 30–49), and
   * `after` is ignored. Costs a count (LIST-only when the index covers the filter) plus the page; deep
   * pages re-read what precedes them, so prefer `fetch()` with cursors.
   */
  async paginate(page = 1, pageSize = 20): Promise<QueryResult<Stored<Out>>> {
    checkCount('page', page, 1)
    checkCount('pageSize', pageSize, 1)
    const whole = this.with({ after: undefined })
    const plan = await whole.plan()
    const counted = await whole.count()
    const start = (page - 1) * pageSize
    const take = Math.max(0, Math.min(pageSize, counted - start, (this.state.limit ?? Number.POSITIVE_INFINITY) - start))
    const {
      page: matches,
      more,
      skipped,
    } = take === 0 ? { page: [], more: false, skipped: [] } : await whole.run(plan, { offset: this.state.offset + start, limit: take })
    // A count from listings alone cannot see that a record is corrupt: take out the ones this page met.
    const totalCount = Math.max(0, counted - (skipped.length > 0 && whole.listsOnly(plan) ? skipped.length : 0))
    const totalPages = Math.ceil(totalCount / pageSize)
    const inWindow = this.state.limit === undefined || start + matches.length < this.state.limit
    return {
      items: await this.shape(matches),
      totalCount,
      page,
      pageSize,
      totalPages,
      hasNext: page < totalPages,
      hasPrev: page > 1,
      nextCursor: more && inWindow ? this.nextCursor(plan, matches, this.state.offset + start + matches.length) : undefined,
      ...skippedOf(skipped),
    }
  }

  /**
   * One page of `limit` results (default 100) and the cursor of the next: pass it to `.after()`.
   * The query's `offset` applies to the first page only. When the index serves the order, a page
   * costs the same whatever its depth.
   */
  async fetch(): Promise<QueryPage<Stored<Out>>> {
    const plan = await this.plan()
    const limit = this.state.limit ?? 100
    const { page, more, skipped } = await this.run(plan, { limit })
    const nextCursor = more ? this.nextCursor(plan, page, this.skipped(plan) + page.length) : undefined
    return { items: await this.shape(page), nextCursor, ...skippedOf(skipped) }
  }
}

/**
 * A typed query over a repository's model.
 * @example
 * const products = db.repository(Product)
 * const page = await query(products).filter({ category: 'home' }).orderBy('price').limit(20).fetch()
 */
export function query<M extends Model>(repository: { model: M; core: unknown }, options: QueryOptions = {}): QueryBuilder<InferRecord<M>> {
  return QueryBuilder.fromTarget(targetOf(repository as never, options), { conditions: [], excludes: [], offset: 0, prefetch: [] })
}

/** The query type: `Query<Record>` (and `Query<Record, Selected>` after `select`/`prefetchRelated`). */
export type Query<T extends { id: string }, Out = T> = QueryBuilder<T, Out>

/** The spec's constructor, typed by the model: `new Query(Product, s3Client, 'my-bucket')`. */
export interface QueryConstructor {
  new <M extends Model>(
    model: M,
    client: QueryClient,
    bucketName: string,
    options?: QueryOptions & { basePath?: string; models?: readonly Model[] },
  ): QueryBuilder<InferRecord<M>>
}

/**
 * A query over `model` through `client` on `bucketName` (the spec's `Query(Product, s3_client, "bucket")`).
 * @example
 * const results = await new Query(Product, s3Client, 'my-bucket').filter({ category: 'electronics', price__gt: 100 }).orderBy('-price').limit(10).all()
 */
export const Query = function Query(
  this: unknown,
  model: Model,
  client: QueryClient,
  bucketName: string,
  options: QueryOptions & { basePath?: string; models?: readonly Model[] } = {},
) {
  // A function, not a constructor in QueryBuilder: `query(repo)` bundles then carry no S3 client code.
  return QueryBuilder.fromTarget(targetOf(repositoryFor(model, client, bucketName, options), options), {
    conditions: [],
    excludes: [],
    offset: 0,
    prefetch: [],
  })
} as unknown as QueryConstructor
