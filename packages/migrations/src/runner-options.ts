import type { Model, ProviderName, ProviderQuirks } from '@s3verless/core'
import type { AppliedMigration } from './history.js'
import type { MigrationProgress } from './run-report.js'

/** Options of {@link MigrationRunner}. */
export interface MigrationRunnerOptions {
  /** The application's models, as defined now (migrations name them by `modelName`; their schemas check migrated records). */
  models: readonly Model[]
  /** Key prefix of all data (default `s3verless-data/`). */
  basePath?: string
  /** Provider quirks when the client is a raw AWS SDK client (default `'aws'`; `'ceph'` for Ceph RGW). */
  provider?: ProviderName | Partial<ProviderQuirks>
  /** Names this runner in the lease and the history (default: the process id and a random tag). */
  holder?: string
  /**
   * The lease time: a runner that stops renewing its lease loses it this long after (default 60 s;
   * at least twice the store's clock resolution, 2 s on S3, or the constructor throws `settings.invalid`).
   */
  leaseTtlMs?: number
  /** Records read per page (default 100, at most 1000): what a pass holds in memory. */
  pageSize?: number
  /** Records rewritten at once (default 16). */
  concurrency?: number
  /** Failures listed per migration in a report (default 100; `failureCount` counts all). */
  maxReportedFailures?: number
  /** Called as records are processed (a CLI draws it as a progress bar). */
  onProgress?: (progress: MigrationProgress) => void
}

/** Options of {@link MigrationRunner.runPending} and {@link MigrationRunner.rollback}. */
export interface RunOptions {
  /** Read and transform every record, check it against the schema, write nothing (no lease, no history). */
  dryRun?: boolean
  /** How long to wait for another runner's lease (default 0: fail at once with `migration.locked` naming the holder). */
  waitMs?: number
  /** Check every record with a dry pass before writing any (default true): a failing migration then changes nothing. */
  precheck?: boolean
  /** Overrides the runner's `onProgress`. */
  onProgress?: (progress: MigrationProgress) => void
}

/** Options of {@link MigrationRunner.runPending}. */
export interface RunPendingOptions extends RunOptions {
  /** Also rewrite every record stored at an older lazy-upgrade version than its model's (see `defineModel`'s `version`). */
  backfill?: boolean
}

/** What {@link MigrationRunner.status} answers. */
export interface MigrationStatusReport {
  /** Applied migrations in version order; `known: false` for a version this runner was not given. */
  applied: (AppliedMigration & { known: boolean })[]
  /** Migrations not applied yet, in version order. */
  pending: { version: string; modelName: string; description: string }[]
}
