import { isOutcomeUnknown, isS3verlessError, type Model, type Repository } from '@s3verless/core'
import { listPage, mapLimit, type RawRecord } from '@s3verless/core/internal'
import { failureOf, type RecordFailure } from './record-failure.js'
import { type RecordOutcome, rewriteRecord, type Transform } from './rewrite-record.js'
import type { UniqueCheck } from './unique-check.js'

/** One pass over a model's records. */
export interface PassOptions {
  /** The repository of the model's stored shape (see `storedShapeOf`): reads any record, writes keep claims and entries in step. */
  repo: Repository<Model>
  /** The model as defined. */
  model: Model
  /** The record's new content and stamp, `UNCHANGED` or `ALREADY_APPLIED` (see `rewriteRecord`). Gets the record as stored and its bookkeeping. */
  transform: Transform
  /** Check each result against the model's schema (default true; a rollback produces an older shape). */
  validate: boolean
  /** Compute everything, write nothing. */
  dryRun: boolean
  pageSize: number
  concurrency: number
  /** Called before each write: throws to stop the pass (a lost lease). */
  beforeWrite(): void
  /** Called once, before the first write (the run marks itself in progress); a failure stops the pass. */
  beforeFirstWrite(): Promise<void>
  onProgress(done: number, total: number): void
  /** Failures kept in the report (the count covers all). */
  maxReported: number
  /** Dry pass: gets every record's unique values before and after, to check them before anything is written. */
  uniqueCheck?: UniqueCheck | undefined
}

/** What a pass did (or, dry, would do). */
export interface PassResult {
  records: number
  changed: number
  /** Records an interrupted earlier attempt of the same run had already rewritten (they carry its stamp): left alone. */
  alreadyApplied: number
  /** Records deleted by someone else while the pass ran. */
  gone: number
  failures: RecordFailure[]
  failureCount: number
  /** How many failures each migration caused, by version (`''`: not due to a migration, e.g. an unreadable object). */
  failuresByVersion: Record<string, number>
  /** Whether any rewritten record's indexed or unique values changed. */
  indexedValuesChanged: boolean
}

/** A record whose new unique value was still held when it was written, to try again after the others. */
interface Deferred {
  id: string
  error: unknown
}

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

/** A unique value still taken when the record was written: perhaps by a record of this pass that will give it up. */
const mayFreeUp = (error: unknown) => isS3verlessError(error, 'model.unique') && !isOutcomeUnknown(error)

/**
 * Streams a model's records page by page (`pageSize` records in memory at a time, `concurrency` in
 * flight) and rewrites each one whose transform changes it (see `rewriteRecord`): compare-and-swap
 * on the version read, re-read and transformed again after a conflict or a lost answer, counted as
 * gone when deleted meanwhile. Unique claims and index entries follow the write protocol. A record
 * whose new unique value is still taken when it is written is deferred and tried again once the
 * others are written (a chain: a → b while b → c), in rounds while any succeeds; only then does it
 * fail. Failures (transform errors, schema errors, taken unique values, unreadable objects) are
 * collected with the record's id; the pass goes on with the others. A lost lease stops it.
 */
export async function runPass(options: PassOptions): Promise<PassResult> {
  const { repo } = options
  const result: PassResult = {
    records: 0,
    changed: 0,
    alreadyApplied: 0,
    gone: 0,
    failures: [],
    failureCount: 0,
    failuresByVersion: {},
    indexedValuesChanged: false,
  }
  const fail = (failure: RecordFailure) => {
    result.records++
    result.failureCount++
    const version = failure.version ?? ''
    result.failuresByVersion[version] = (result.failuresByVersion[version] ?? 0) + 1
    if (result.failures.length < options.maxReported) result.failures.push(failure)
  }
  const tally = (outcome: RecordOutcome) => {
    result.records++
    if (outcome === 'changed') result.changed++
    else if (outcome === 'alreadyApplied') result.alreadyApplied++
    else if (outcome === 'gone') result.gone++
  }
  let first: Promise<void> | undefined
  const rewriter = {
    ...options,
    ready: () => {
      first ??= options.beforeFirstWrite()
      return first
    },
    indexed: indexedFieldsOf(repo),
    onIndexedChange: () => {
      result.indexedValuesChanged = true
    },
  }
  const deferred: Deferred[] = []
  /** Rewrites one record; false when it was deferred. */
  const rewrite = async (id: string, read: () => Promise<RawRecord | null>): Promise<boolean> => {
    try {
      const raw = await read()
      tally(raw ? await rewriteRecord(rewriter, raw) : 'gone')
    } catch (error) {
      if (isS3verlessError(error, 'migration.locked')) throw error // the lease is lost: stop everything
      if (!options.dryRun && mayFreeUp(error)) {
        deferred.push({ id, error })
        return false
      }
      fail(failureOf(id, error))
    }
    return true
  }

  let total = await countRecords(repo)
  let done = 0
  options.onProgress(0, total)
  let marker: string | undefined
  do {
    const page = await listPage(repo.core, { limit: options.pageSize, ...(marker !== undefined ? { marker } : {}) })
    for (const skipped of page.skipped) {
      const id = repo.core.layout.idOf(skipped.key)
      if (id !== undefined) fail({ id, error: skipped.reason, code: 'model.corrupt' }) // (other keys: not records of this model)
    }
    await mapLimit(page.items, options.concurrency, async (raw) => {
      try {
        await rewrite(raw.record.id, async () => raw)
      } finally {
        done++
        total = Math.max(total, done)
        options.onProgress(done, total)
      }
    })
    marker = page.nextMarker
  } while (marker !== undefined)
  await retryDeferred(deferred, options.concurrency, ({ id }) => rewrite(id, () => repo.core.readFresh(id)), fail)
  return result
}

/**
 * Tries the deferred records again, in rounds, each reading the record afresh, while a round settles
 * any of them (written, gone, or failed for another reason); what is left then fails with its last error.
 */
async function retryDeferred(
  deferred: Deferred[],
  concurrency: number,
  rewrite: (d: Deferred) => Promise<boolean>,
  fail: (failure: RecordFailure) => void,
): Promise<void> {
  while (deferred.length > 0) {
    const round = deferred.splice(0)
    const settled = await mapLimit(round, concurrency, rewrite)
    if (settled.some((ok) => ok)) continue
    for (const d of deferred.splice(0)) fail(failureOf(d.id, d.error))
  }
}
