import type { MigrationResult, MigrationStatusReport, RunReport } from '@s3verless/migrations'

/** Record failures listed per migration on the terminal (the report may hold more). */
const LISTED_FAILURES = 10

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** One migration's outcome: `0001  Product  applied  30 records, 30 rewritten`, then its failing records. */
export function formatResult(r: MigrationResult): string {
  const counts = r.status === 'notRun' ? 'not run: an earlier migration failed' : `${plural(r.records, 'record')}, ${r.changed} rewritten`
  const lines = [`${r.version}  ${r.modelName}  ${r.status}  ${r.error ?? counts}${r.reindexed ? ' (reindexed)' : ''}`]
  for (const f of r.failures.slice(0, LISTED_FAILURES)) lines.push(`    ${f.id}: ${f.error}`)
  if (r.failureCount > LISTED_FAILURES) lines.push(`    … and ${r.failureCount - LISTED_FAILURES} more`)
  return lines.join('\n')
}

/** What `migrate` prints after a run. */
export function formatRun(report: RunReport): string {
  const lines = report.results.map(formatResult)
  for (const b of report.backfills) {
    const what = `backfill ${b.modelName} to version ${b.version}: ${plural(b.records, 'record')}, ${b.changed} ${report.dryRun ? 'to rewrite' : 'rewritten'}`
    lines.push(`${what}${b.failureCount > 0 ? `, ${b.failureCount} failed` : ''}`)
    for (const f of b.failures.slice(0, LISTED_FAILURES)) lines.push(`    ${f.id}: ${f.error}`)
  }
  const seconds = (report.durationMs / 1000).toFixed(1)
  if (report.results.length === 0 && report.backfills.length === 0) lines.push('Nothing to migrate: every migration is applied.')
  else if (report.dryRun) lines.push(`Dry run: nothing was written (${seconds} s).`)
  else lines.push(`Applied ${report.applied.length} of ${plural(report.results.length, 'pending migration')} in ${seconds} s.`)
  return `${lines.join('\n')}\n`
}

/** What `migrate --status` prints: applied migrations with dates and counts, then pending ones. */
export function formatStatus(status: MigrationStatusReport): string {
  const lines = status.applied.map(
    (a) =>
      `applied  ${a.version}  ${a.modelName}  ${a.appliedAt.toISOString()}  ${plural(a.records, 'record')}, ${a.changed} rewritten` +
      `${a.known ? '' : '  (not among the migration files)'}${a.description ? `  ${a.description}` : ''}`,
  )
  for (const p of status.pending) lines.push(`pending  ${p.version}  ${p.modelName}${p.description ? `  ${p.description}` : ''}`)
  if (lines.length === 0) lines.push('No migrations.')
  return `${lines.join('\n')}\n`
}
