import type { Model, Repository } from '@s3verless/core'
import type { MigrationLease } from './lease.js'
import type { Migration } from './migration.js'
import { type RewriteOptions, type RewriteResult, rewriteModel } from './rewrite-model.js'
import type { BackfillResult } from './run-report.js'
import type { RunSession } from './run-session.js'
import { backfillTransform, migrateTransform, rollbackTransform } from './run-transforms.js'
import type { MigrationRunnerOptions, RunOptions } from './runner-options.js'

/** A model the runner migrates: as defined, and the repository of its stored shape (see `storedShapeOf`). */
export interface Target {
  model: Model
  repo: Repository<Model>
}

/** What the passes of one call of the runner share: its lease (none when dry) and options. */
export interface PassContext {
  lease: MigrationLease | undefined
  options: RunOptions
  settings: MigrationRunnerOptions
}

type PassKind = Pick<RewriteOptions, 'phase' | 'versions' | 'transform' | 'validate' | 'beforeWriting' | 'reindex'>

function rewrite(target: Target, { lease, options, settings }: PassContext, pass: PassKind): Promise<RewriteResult> {
  return rewriteModel({
    ...target,
    ...pass,
    dryRun: options.dryRun ?? false,
    precheck: options.precheck ?? true,
    lease,
    pageSize: settings.pageSize ?? 100,
    concurrency: settings.concurrency ?? 16,
    maxReported: settings.maxReportedFailures ?? 100,
    onProgress: options.onProgress ?? settings.onProgress,
  })
}

/** Applies a model's pending migrations to its records (checked first, then written), stamping each one rewritten with the run. */
export function migratePass(target: Target, group: Migration[], session: RunSession, ctx: PassContext): Promise<RewriteResult> {
  return rewrite(target, ctx, {
    phase: 'migrate',
    versions: group.map((m) => m.version),
    transform: migrateTransform(target.model, group, session.run),
    validate: true,
    beforeWriting: () => session.begin(),
    reindex: 'ifChanged',
  })
}

/** Reverses a migration on its model's records (not checked against the schema), stamping each one rewritten with the run. */
export function rollbackPass(target: Target, migration: Migration, session: RunSession, ctx: PassContext): Promise<RewriteResult> {
  return rewrite(target, ctx, {
    phase: 'rollback',
    versions: [migration.version],
    transform: rollbackTransform(target.model, migration, session.run),
    validate: false,
    beforeWriting: () => session.begin(),
    reindex: 'ifChanged',
  })
}

/**
 * Rewrites every record of a model stored at an older lazy-upgrade version than the model's, then
 * reindexes the model, which also repairs the entries and claims of records that an older library
 * version stored at the new version while keeping those of their old values.
 */
export async function backfillPass(target: Target, ctx: PassContext): Promise<BackfillResult> {
  const { model } = target
  const outcome = await rewrite(target, ctx, {
    phase: 'backfill',
    versions: [],
    transform: backfillTransform(model),
    validate: true,
    beforeWriting: async () => undefined,
    reindex: 'always',
  })
  const { records, changed, failures, failureCount, reindexed, repaired } = outcome
  return {
    modelName: model.name,
    version: model.version,
    records,
    changed,
    failures,
    failureCount,
    reindexed,
    ...(repaired ? { repaired } : {}),
  }
}
