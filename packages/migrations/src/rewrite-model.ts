import type { Model, Repository, VerifyReport } from '@s3verless/core'
import type { MigrationLease } from './lease.js'
import type { RecordFailure } from './record-failure.js'
import { type PassResult, runPass } from './record-pass.js'
import type { Transform } from './rewrite-record.js'
import type { MigrationProgress, Repairs } from './run-report.js'
import { UniqueCheck } from './unique-check.js'

/** How to rewrite one model's records. */
export interface RewriteOptions {
  repo: Repository<Model>
  model: Model
  transform: Transform
  validate: boolean
  dryRun: boolean
  /** Check every record (a dry pass) before writing any (default true). */
  precheck: boolean
  lease: MigrationLease | undefined
  phase: 'migrate' | 'rollback' | 'backfill'
  versions: string[]
  pageSize: number
  concurrency: number
  maxReported: number
  onProgress: ((progress: MigrationProgress) => void) | undefined
  /** Called once, right before the first record is written (the run marks itself as in progress); not at all if none is. */
  beforeWriting(): Promise<void>
  /**
   * When to rebuild the model's entries and claims after writing: `ifChanged` (indexed or unique
   * values changed, or indexes were built first) or `always` (a backfill: it also repairs records an
   * older library version left with entries and claims of values they no longer hold).
   */
  reindex: 'ifChanged' | 'always'
}

/** A rewrite's outcome: the pass's, whether records were written, and whether indexes were rebuilt (and what that repaired). */
export interface RewriteResult extends PassResult {
  written: boolean
  reindexed: boolean
  repaired?: Repairs
}

/** Adds failures found outside the pass (the unique check, the reindex) to its result. */
function withFailures(result: PassResult, failures: RecordFailure[], maxReported: number): PassResult {
  if (failures.length === 0) return result
  const room = Math.max(0, maxReported - result.failures.length)
  const byVersion = { ...result.failuresByVersion, '': (result.failuresByVersion[''] ?? 0) + failures.length }
  return {
    ...result,
    failures: [...result.failures, ...failures.slice(0, room)],
    failureCount: result.failureCount + failures.length,
    failuresByVersion: byVersion,
  }
}

/** Unique values that two records of the model hold at once, as failures naming them. */
const duplicatesOf = (report: VerifyReport): RecordFailure[] =>
  report.duplicates.flatMap(({ field, value, ids }) =>
    ids.map((id) => ({
      id,
      code: 'model.unique',
      error: `${report.model} ${id}: ${field} = ${JSON.stringify(value)} is held by ${ids.length} records (${ids.join(', ')}); the constraint stays unbuilt until that is resolved`,
    })),
  )

/**
 * Rewrites a model's records: first a dry pass over all of them, so that a transform or schema
 * failure on any record, or unique values the result would hold twice or could only swap in a
 * cycle (see `UniqueCheck`), stops the run before anything is written; then the writing pass. If
 * the model has indexes or unique constraints not yet built for its stored data
 * (`indexStatus().building`), they are built first (`reindex()`), so the rewritten records can claim
 * their values; the model is reindexed at the end as `reindex` says. A reindex reads every record
 * and claim: its cost grows with the collection.
 */
export async function rewriteModel(options: RewriteOptions): Promise<RewriteResult> {
  const { repo, model } = options
  const pass = (dryRun: boolean, phase: MigrationProgress['phase'], uniqueCheck?: UniqueCheck) =>
    runPass({
      repo,
      model,
      transform: options.transform,
      validate: options.validate,
      dryRun,
      pageSize: options.pageSize,
      concurrency: options.concurrency,
      maxReported: options.maxReported,
      uniqueCheck,
      beforeWrite: () => options.lease?.check(),
      beforeFirstWrite: () => options.beforeWriting(),
      onProgress: (done, total) => options.onProgress?.({ phase, modelName: model.name, versions: options.versions, done, total }),
    })
  if (options.dryRun || options.precheck) {
    const check = repo.model.unique.length > 0 ? new UniqueCheck(model.name, repo.model.unique) : undefined
    const dry = await pass(true, 'check', check)
    const checked = withFailures(dry, check?.failures() ?? [], options.maxReported)
    if (options.dryRun || checked.failureCount > 0) return { ...checked, written: false, reindexed: false }
  }
  const building = (await repo.indexStatus()).building
  if (building.length > 0) await repo.reindex()
  const done = await pass(false, options.phase)
  const wanted = options.reindex === 'always' || done.indexedValuesChanged || building.length > 0
  if (done.failureCount > 0 || !wanted) return { ...done, written: true, reindexed: false }
  const report = await repo.reindex()
  // A backfill answers for every record's claims, so values held twice (which it cannot repair) fail it.
  const duplicates = options.reindex === 'always' ? duplicatesOf(report) : []
  return { ...withFailures(done, duplicates, options.maxReported), written: true, reindexed: true, repaired: report.repaired }
}
