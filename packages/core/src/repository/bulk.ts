import { isS3verlessError, S3verlessError } from '../errors.js'
import type { InferCreate, Model } from '../model/define-model.js'
import { outcomeOf } from './outcome.js'
import type { RepoCore } from './repo-core.js'
import type { Repository } from './repository.js'

/** Where a bulk operation stands; handed to `onProgress` after each item. */
export interface BulkProgress {
  /** Items finished (succeeded, skipped or failed). */
  done: number
  succeeded: number
  /** Items left alone: gone or no longer matching by the time they were reached. */
  skipped: number
  failed: number
}

/** One item that failed: its place in the input (or its id), the error's code and whether it may have taken effect. */
export interface BulkFailure {
  index: number
  id?: string
  code: string
  message: string
  /** `'unknown'`: the write may have landed (re-read it); `'failed'`: nothing of it was stored. */
  outcome: 'failed' | 'unknown' | 'partial'
}

/** What a bulk operation did. `failures` lists at most the first 1,000 (the counts are complete). */
export interface BulkReport extends BulkProgress {
  failures: BulkFailure[]
}

/** Options of the bulk operations (`importMany`, `deleteMany`, and the query package's `updateMany`/`deleteMany`). */
export interface BulkOptions {
  /** Items in flight at once (default: the database's concurrency). */
  concurrency?: number
  /** Called after each item with the totals so far. */
  onProgress?: (progress: BulkProgress) => void
  /** Stop starting new items after the first failure (default false: go on and report every failure). */
  stopOnError?: boolean
}

const MAX_LISTED = 1000

/**
 * Runs `fn` over `source` (any iterable, consumed as it goes: memory holds the items in flight only)
 * with at most `concurrency` calls at once, counting outcomes: `fn` resolves `true` for done, `false`
 * for skipped, and a rejection is a failure (its code and outcome recorded).
 */
export async function runBulk<T>(
  source: Iterable<T> | AsyncIterable<T>,
  options: BulkOptions & { concurrency: number },
  fn: (item: T, index: number) => Promise<boolean>,
  idOf: (item: T) => string | undefined = () => undefined,
): Promise<BulkReport> {
  const report: BulkReport = { done: 0, succeeded: 0, skipped: 0, failed: 0, failures: [] }
  const running = new Set<Promise<void>>()
  let index = 0
  const one = async (item: T, i: number) => {
    try {
      if (await fn(item, i)) report.succeeded++
      else report.skipped++
    } catch (error) {
      report.failed++
      if (report.failures.length < MAX_LISTED) {
        const id = idOf(item) ?? (isS3verlessError(error) && typeof error.details.id === 'string' ? error.details.id : undefined)
        report.failures.push({
          index: i,
          ...(id !== undefined ? { id } : {}),
          code: isS3verlessError(error) ? error.code : 'internal',
          message: error instanceof Error ? error.message : String(error),
          outcome: outcomeOf(error),
        })
      }
    }
    report.done++
    options.onProgress?.({ done: report.done, succeeded: report.succeeded, skipped: report.skipped, failed: report.failed })
  }
  for await (const item of source) {
    if (options.stopOnError && report.failed > 0) break
    const p: Promise<void> = one(item, index++).finally(() => running.delete(p))
    running.add(p)
    if (running.size >= options.concurrency) await Promise.race(running)
  }
  await Promise.all(running)
  report.failures.sort((a, b) => a.index - b.index)
  return report
}

/**
 * The concurrency of a bulk operation: `options.concurrency`, default the database's.
 * @throws S3verlessError `query.invalidArgument` unless an integer from 1 to 1,000.
 */
export function bulkConcurrency(core: RepoCore, options: BulkOptions): number {
  const concurrency = options.concurrency ?? core.settings.concurrency
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new S3verlessError(
      'query.invalidArgument',
      `${core.model.name}: concurrency must be an integer from 1 to 1000, got ${String(concurrency)}`,
    )
  }
  return concurrency
}

/**
 * Creates records from any iterable or async iterable (an array, a generator reading a file, a
 * stream), consumed as it goes with `concurrency` creates in flight (default the database's), so
 * memory holds only those. Unlike `createMany`, it is not all-or-nothing: each input is one create
 * with the guarantees of a single write, and the report counts what succeeded and lists what failed
 * (by input index, with each error's code and whether its outcome is unknown). `onProgress` is called
 * after each input. Requests per record: those of `create`. (A function, not a repository method, so
 * bundles that do not import it do not carry it.)
 * @example
 * const report = await importMany(products, readNdjson('products.ndjson'), { onProgress: (p) => bar.update(p.done) })
 */
export function importMany<M extends Model>(
  repository: Repository<M>,
  source: Iterable<InferCreate<M>> | AsyncIterable<InferCreate<M>>,
  options: BulkOptions = {},
): Promise<BulkReport> {
  const concurrency = bulkConcurrency(repository.core, options)
  return runBulk(source, { ...options, concurrency }, async (input) => {
    await repository.create(input)
    return true
  })
}
