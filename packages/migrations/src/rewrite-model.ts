import type { Model, Repository } from '@s3verless/core'
import type { MigrationLease } from './lease.js'
import { type PassOptions, type PassResult, runPass } from './record-pass.js'
import type { MigrationProgress } from './run-report.js'

/** How to rewrite one model's records. */
export interface RewriteOptions {
  repo: Repository<Model>
  model: Model
  transform: PassOptions['transform']
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
}

/** A rewrite's outcome: the pass's, whether records were written, and whether indexes were rebuilt. */
export interface RewriteResult extends PassResult {
  written: boolean
  reindexed: boolean
}

/**
 * Rewrites a model's records: first a dry pass over all of them (so a transform or schema failure
 * on any record stops the run before anything is written), then the writing pass. If the model has
 * indexes or unique constraints not yet built for its stored data (`indexStatus().building`), they
 * are built first (`reindex()`), so the rewritten records can claim their values; if any rewritten
 * record's indexed or unique values changed, or indexes were built, the model is reindexed at the
 * end. A reindex reads every record: its cost grows with the collection.
 */
export async function rewriteModel(options: RewriteOptions): Promise<RewriteResult> {
  const { repo, model } = options
  const pass = (dryRun: boolean, phase: MigrationProgress['phase']) =>
    runPass({
      repo,
      model,
      transform: options.transform,
      validate: options.validate,
      dryRun,
      pageSize: options.pageSize,
      concurrency: options.concurrency,
      maxReported: options.maxReported,
      beforeWrite: () => options.lease?.check(),
      onProgress: (done, total) => options.onProgress?.({ phase, modelName: model.name, versions: options.versions, done, total }),
    })
  if (options.dryRun || options.precheck) {
    const checked = await pass(true, 'check')
    if (options.dryRun || checked.failureCount > 0) return { ...checked, written: false, reindexed: false }
  }
  const building = (await repo.indexStatus()).building
  if (building.length > 0) await repo.reindex()
  const done = await pass(false, options.phase)
  const reindex = done.failureCount === 0 && (done.indexedValuesChanged || building.length > 0)
  if (reindex) await repo.reindex()
  return { ...done, written: true, reindexed: reindex }
}
