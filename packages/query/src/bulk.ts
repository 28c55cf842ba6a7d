import {
  type BulkOptions,
  type BulkReport,
  isS3verlessError,
  outcomeOf,
  type Repository,
  S3verlessError,
  type Stored,
} from '@s3verless/core'
import { bulkConcurrency, type RawRecord, runBulk } from '@s3verless/core/internal'
import { QueryTooExpensiveError } from './errors.js'
import { satisfies, stream } from './executor.js'
import type { Plan, QueryState } from './plan-types.js'
import { planWithCatalog } from './planner.js'
import type { QueryBuilder } from './query.js'
import type { QueryTarget } from './query-target.js'

// Bulk writes over a query's matches. Functions, not query methods, so that bundles of apps that do
// not use them do not carry them.

type AnyQuery<T extends { id: string }> = QueryBuilder<T, unknown>

/**
 * Updates every record `q` matches (within its `limit`; order ignored) with `patch`, or with what
 * `patch(record)` returns, streaming the matches (bounded memory: a window, plus the ids done, so a
 * record an update moves further along the index is not updated twice) with `concurrency` updates in
 * flight (default the database's). Each update is a compare-and-swap on the version read: a record
 * changed meanwhile is read again and updated only if it still matches (up to 5 times), a record
 * deleted meanwhile is skipped, an update of unknown outcome is reported and never retried. Not
 * all-or-nothing: the report counts what was updated, skipped and failed; `onProgress` follows along.
 * @example
 * const report = await updateMany(query(products).filter({ category: 'old' }), { category: 'archive' }, { onProgress })
 */
export async function updateMany<T extends { id: string }>(
  q: AnyQuery<T>,
  patch: Partial<T> | ((record: Stored<T>) => Partial<T>),
  options: BulkOptions = {},
): Promise<BulkReport> {
  return bulk(q, options, async (first, plan, repository) => {
    let raw: RawRecord = first
    for (let attempt = 0; ; attempt++) {
      const record = { ...raw.record, $etag: raw.etag } as unknown as Stored<T>
      const change = typeof patch === 'function' ? patch(record) : patch
      try {
        await repository.update(raw.record.id, change as never, { ifMatch: raw.etag })
        return true
      } catch (error) {
        if (isS3verlessError(error, 'model.notFound')) return false
        const fresh = await again(error, attempt, plan, repository, raw.record.id)
        if (!fresh) return false
        raw = fresh
      }
    }
  })
}

/**
 * Deletes every record `q` matches (within its `limit`), streaming the matches with `concurrency`
 * deletes in flight; each delete is conditional on the version read (a record changed meanwhile is
 * read again and deleted only if it still matches) and applies the relation rules. Not
 * all-or-nothing: the report counts what was deleted, skipped and failed.
 */
export async function deleteMany<T extends { id: string }>(q: AnyQuery<T>, options: BulkOptions = {}): Promise<BulkReport> {
  return bulk(q, options, async (first, plan, repository) => {
    let raw: RawRecord = first
    for (let attempt = 0; ; attempt++) {
      try {
        return await repository.delete(raw.record.id, { ifMatch: raw.etag })
      } catch (error) {
        const fresh = await again(error, attempt, plan, repository, raw.record.id)
        if (!fresh) return false
        raw = fresh
      }
    }
  })
}

type Repo = Repository<never>

/**
 * After a failed write: rethrows what is not a plain conflict (or the 6th one); otherwise the record
 * read again, or `null` when it is gone or no longer matches.
 */
async function again(error: unknown, attempt: number, plan: Plan, repository: Repo, id: string): Promise<RawRecord | null> {
  if (!isS3verlessError(error, 'model.conflict') || outcomeOf(error) !== 'failed' || attempt >= 5) throw error
  const fresh = await repository.core.readFresh(id)
  return fresh && satisfies(plan, fresh.record) ? fresh : null
}

async function bulk<T extends { id: string }>(
  q: AnyQuery<T>,
  options: BulkOptions,
  fn: (raw: RawRecord, plan: Plan, repository: Repo) => Promise<boolean>,
): Promise<BulkReport> {
  // What the builder holds (its fields are private to users, not to this package).
  const { target, state } = q as unknown as { target: QueryTarget; state: QueryState }
  const name = target.shape.name
  if (state.offset !== 0 || state.after !== undefined) {
    throw new S3verlessError('query.invalidArgument', `${name}: updateMany/deleteMany take a filter and a limit, not an offset or a cursor`)
  }
  const repository = target.repository
  const core = repository.core
  const concurrency = bulkConcurrency(core, options)
  const { order: _, ...unordered } = state
  const plan = planWithCatalog(target.shape, unordered, await core.catalog.ready(), core.catalog.declared)
  const budget = state.maxScan ?? target.options.maxScan
  if (plan.scan && budget === 0) throw new QueryTooExpensiveError(plan.model, 0, '')
  const limit = state.limit ?? Number.POSITIVE_INFINITY
  async function* matches(): AsyncGenerator<RawRecord> {
    const done = new Set<string>() // a record an update moves further along the index comes once
    let n = 0
    if (limit === 0) return
    const window = Math.max(concurrency, 16)
    for await (const batch of stream(core, plan, { window, ...(budget !== undefined ? { maxScan: budget } : {}) })) {
      for (const m of batch) {
        if (done.has(m.raw.record.id)) continue
        done.add(m.raw.record.id)
        yield m.raw
        if (++n >= limit) return
      }
    }
  }
  return runBulk(
    matches(),
    { ...options, concurrency },
    (raw) => fn(raw, plan, repository as unknown as Repo),
    (raw) => raw.record.id,
  )
}
