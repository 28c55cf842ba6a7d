import type { Migration } from './migration.js'
import type { RewriteResult } from './rewrite-model.js'
import type { MigrationResult } from './run-report.js'

/** The result of one migration, from the outcome of the pass it ran in. */
export function resultOf(m: Migration, status: MigrationResult['status'], outcome: RewriteResult | undefined): MigrationResult {
  return {
    version: m.version,
    modelName: m.modelName,
    description: m.description,
    status,
    records: outcome?.records ?? 0,
    changed: outcome?.written === false && status !== 'wouldApply' && status !== 'wouldRollBack' ? 0 : (outcome?.changed ?? 0),
    alreadyApplied: outcome?.alreadyApplied ?? 0,
    failures: [],
    failureCount: 0,
    reindexed: outcome?.reindexed ?? false,
  }
}

/**
 * Failed results for migrations run together: each failure goes to the migration it names, others to the last one. */
export function failedResults(group: Migration[], outcome: RewriteResult): MigrationResult[] {
  const last = group.at(-1) as Migration
  const versionOf = (version: string | undefined) =>
    version !== undefined && group.some((m) => m.version === version) ? version : last.version
  const mine = (m: Migration) => outcome.failures.filter((f) => versionOf(f.version) === m.version)
  const countOf = (m: Migration) =>
    Object.entries(outcome.failuresByVersion).reduce((n, [v, count]) => n + (versionOf(v || undefined) === m.version ? count : 0), 0)
  const culprits = group.filter((m) => countOf(m) > 0).map((m) => m.version)
  const written = outcome.written ? ' (records it did not fail on were rewritten)' : '; nothing was written'
  return group.map((m) => {
    const failureCount = countOf(m)
    const error =
      failureCount > 0
        ? `failed on ${failureCount} record(s) of ${m.modelName}${written}`
        : `not recorded: it runs together with ${culprits.join(', ')} of ${m.modelName}, which failed`
    return { ...resultOf(m, 'failed', outcome), failures: mine(m), failureCount, error }
  })
}
