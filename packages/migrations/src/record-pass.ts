import { backoffDelay, encodeValue, isS3verlessError, type Model, type Repository } from '@s3verless/core'
import { fieldValue, listPage, mapLimit, type RawRecord, type RecordMeta, storedVersion } from '@s3verless/core/internal'
import type { MigrationRecord } from './migration-types.js'
import { checkAgainstSchema, sameJson, toJson, withoutServerFields } from './stored-shape.js'

/** A record a migration could not be applied to. */
export interface RecordFailure {
  /** The record's id (or its key, for an object that is not a readable record). */
  id: string
  /** Why, e.g. `Invalid Product: price: expected number` or `Migration 0002 (Product) failed: …`. */
  error: string
  /** The error's code, when it has one (`model.validation`, `migration.failed`, `model.unique`, …). */
  code?: string
  /** The migration the failure is due to, when known. */
  version?: string
}

/** Returned by a transform that has nothing to change in a record. */
export const UNCHANGED: unique symbol = Symbol('unchanged')

/** One pass over a model's records. */
export interface PassOptions {
  /** The repository of the model's stored shape (see `storedShapeOf`): reads any record, writes keep claims and entries in step. */
  repo: Repository<Model>
  /** The model as defined. */
  model: Model
  /** The record's new content (JSON), or {@link UNCHANGED}. Gets the record as stored and its bookkeeping. */
  transform(record: MigrationRecord, meta: RecordMeta, key: string): MigrationRecord | typeof UNCHANGED
  /** Check each result against the model's schema (default true; a rollback produces an older shape). */
  validate: boolean
  /** Compute everything, write nothing. */
  dryRun: boolean
  pageSize: number
  concurrency: number
  /** Called before each write: throws to stop the pass (a lost lease). */
  beforeWrite(): void
  onProgress(done: number, total: number): void
  /** Failures kept in the report (the count covers all). */
  maxReported: number
}

/** What a pass did (or, dry, would do). */
export interface PassResult {
  records: number
  changed: number
  /** Records deleted by someone else while the pass ran. */
  gone: number
  failures: RecordFailure[]
  failureCount: number
  /** How many failures each migration caused, by version (`''`: not due to a migration, e.g. an unreadable object). */
  failuresByVersion: Record<string, number>
  /** Whether any rewritten record's indexed or unique values changed. */
  indexedValuesChanged: boolean
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const MAX_ATTEMPTS = 50

/** Counts the model's record objects: LIST only, ⌈n/1000⌉ requests, nothing kept. */
async function countRecords(repo: Repository<Model>): Promise<number> {
  const { store, layout } = repo.core
  let count = 0
  let cursor: string | undefined
  do {
    const page = await store.list(layout.recordPrefix, cursor ? { cursor } : {})
    for (const object of page.objects) if (layout.idOf(object.key) !== undefined) count++
    cursor = page.cursor
  } while (cursor)
  return count
}

function indexedFieldsOf(repo: Repository<Model>): string[] {
  return [...new Set([...repo.core.plan.ascending, ...repo.core.plan.descending, ...repo.model.unique])]
}

/**
 * Streams a model's records page by page (`pageSize` records in memory at a time, `concurrency` in
 * flight) and rewrites each one whose transform changes it, through the repository's `replace` with
 * compare-and-swap on the etag it read: a record the application changed meanwhile is re-read and
 * transformed again (never overwritten), one deleted meanwhile is counted as gone. Unique claims and
 * index entries follow the write protocol. A record whose result equals what is stored (at the
 * model's version) is not written. Failures (transform errors, schema errors, taken unique values,
 * unreadable objects) are collected with the record's id; the pass goes on with the others.
 */
export async function runPass(options: PassOptions): Promise<PassResult> {
  const { repo, model } = options
  const indexed = indexedFieldsOf(repo)
  const result: PassResult = {
    records: 0,
    changed: 0,
    gone: 0,
    failures: [],
    failureCount: 0,
    failuresByVersion: {},
    indexedValuesChanged: false,
  }
  const fail = (failure: RecordFailure) => {
    result.failureCount++
    const version = failure.version ?? ''
    result.failuresByVersion[version] = (result.failuresByVersion[version] ?? 0) + 1
    if (result.failures.length < options.maxReported) result.failures.push(failure)
  }
  let total = await countRecords(repo)
  let done = 0
  options.onProgress(0, total)

  const migrateOne = async (first: RawRecord): Promise<'changed' | 'unchanged' | 'gone'> => {
    const id = first.record.id
    const key = repo.core.layout.recordKey(id)
    let current: RawRecord | null = first
    for (let attempt = 1; ; attempt++) {
      if (!current) return 'gone'
      const stored = toJson(current.record)
      const next = options.transform(stored, current.meta, key)
      if (next === UNCHANGED) return 'unchanged'
      const data = toJson(options.validate ? checkAgainstSchema(model, { ...next, id }) : withoutServerFields(next))
      const atVersion = storedVersion(current.meta) >= model.version
      if (atVersion && sameJson(withoutServerFields(stored), data)) return 'unchanged'
      if (indexed.some((f) => encodeValue(fieldValue(stored, f)) !== encodeValue(fieldValue(data, f)))) result.indexedValuesChanged = true
      if (options.dryRun) return 'changed'
      options.beforeWrite()
      try {
        await repo.replace(id, data as never, { ifMatch: current.etag })
        return 'changed'
      } catch (error) {
        if (isS3verlessError(error, 'model.notFound')) return 'gone'
        if (!isS3verlessError(error, 'model.conflict') || attempt >= MAX_ATTEMPTS) throw error
      }
      await sleep(backoffDelay(Math.min(attempt, 6), { baseDelayMs: 5, maxDelayMs: 250 }))
      current = await repo.core.readFresh(id) // changed by someone else: transform what is stored now
    }
  }

  let marker: string | undefined
  do {
    const page = await listPage(repo.core, { limit: options.pageSize, ...(marker !== undefined ? { marker } : {}) })
    for (const skipped of page.skipped) {
      const id = repo.core.layout.idOf(skipped.key)
      if (id === undefined) continue // not a record of this model
      result.records++
      fail({ id, error: skipped.reason, code: 'model.corrupt' })
    }
    await mapLimit(page.items, options.concurrency, async (raw) => {
      try {
        const outcome = await migrateOne(raw)
        result.records++
        if (outcome === 'changed') result.changed++
        else if (outcome === 'gone') result.gone++
      } catch (error) {
        if (isS3verlessError(error, 'migration.locked')) throw error // the lease is lost: stop everything
        result.records++
        fail(failureOf(raw.record.id, error))
      } finally {
        done++
        total = Math.max(total, done)
        options.onProgress(done, total)
      }
    })
    marker = page.nextMarker
  } while (marker !== undefined)
  return result
}

function failureOf(id: string, error: unknown): RecordFailure {
  const message = error instanceof Error ? error.message : String(error)
  if (!isS3verlessError(error)) return { id, error: message }
  const version = typeof error.details.version === 'string' ? error.details.version : undefined
  return { id, error: message, code: error.code, ...(version !== undefined ? { version } : {}) }
}
