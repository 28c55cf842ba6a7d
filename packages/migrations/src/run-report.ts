import type { VerifyReport } from '@s3verless/core'
import type { RecordFailure } from './record-failure.js'

/** What a reindex repaired (see `Repository.reindex`). */
export type Repairs = VerifyReport['repaired']

/** What happened to one migration in a run or a rollback. */
export type MigrationStatus =
  /** Succeeded on every record and is recorded in the history. */
  | 'applied'
  /** Reversed on every record and removed from the history. */
  | 'rolledBack'
  /** Dry run: would be applied (or rolled back); `changed` says how many records would be rewritten. */
  | 'wouldApply'
  | 'wouldRollBack'
  /** Failed (see `error` and `failures`); not recorded as applied (or, for a rollback, still recorded). */
  | 'failed'
  /** Not attempted, because an earlier migration of the run failed. */
  | 'notRun'

/** The outcome of one migration. */
export interface MigrationResult {
  version: string
  modelName: string
  description: string
  status: MigrationStatus
  /**
   * Records of the model seen, and rewritten (the others were already in the new shape). The
   * pending migrations of one model run together in one pass over its records, so they share these.
   */
  records: number
  changed: number
  /**
   * Records an interrupted earlier attempt of the same run had already rewritten (they carry its
   * stamp): left alone, not counted in `changed` (the history counts them as rewritten).
   */
  alreadyApplied: number
  /** Records it failed on (at most `maxReportedFailures`; `failureCount` counts all). */
  failures: RecordFailure[]
  failureCount: number
  /** Why it failed, in a sentence. */
  error?: string
  /** Whether the model's index entries and claims were rebuilt (`reindex()`) after its records changed. */
  reindexed: boolean
}

/** The outcome of a lazy-upgrade backfill of one model (`runPending({ backfill: true })`). */
export interface BackfillResult {
  modelName: string
  /** The model's version that records were brought up to. */
  version: number
  records: number
  /** Records that were stored at an older version and were rewritten (dry run: would be). */
  changed: number
  failures: RecordFailure[]
  failureCount: number
  /** Whether the model was reindexed afterwards (always, when the backfill wrote without failures). */
  reindexed: boolean
  /** What that reindex repaired: entries and claims that records lacked, or that no record needed any more. */
  repaired?: Repairs
}

/** What `runPending` did. */
export interface RunReport {
  /** True when every pending migration (and backfill) succeeded. */
  ok: boolean
  dryRun: boolean
  /** One result per migration that was pending when the run began, in version order. */
  results: MigrationResult[]
  /** Versions recorded as applied by this run, in order. */
  applied: string[]
  backfills: BackfillResult[]
  durationMs: number
}

/** Progress of a long pass, for a progress bar: `done` of `total` records of `modelName`. */
export interface MigrationProgress {
  /** `check`: a dry pass (every run checks all records before writing any); then `migrate`, `rollback` or `backfill`. */
  phase: 'check' | 'migrate' | 'rollback' | 'backfill'
  modelName: string
  /** The migrations being run (empty for a backfill). */
  versions: string[]
  done: number
  /** Records counted when the pass began (grows if more appear). */
  total: number
}
