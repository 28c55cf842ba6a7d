import { cleanupTransactions, type Database, type Model, type TransactionCleanupReport, type VerifyReport } from '@s3verless/core'
import { findingCount, findingsOf, findOrphans, foreignKeys, type ModelFindings, type Orphan } from './doctor-checks.js'

/** What `doctor` did: the findings left (after a repair, as a second check sees them) and what was repaired. */
export interface DoctorResult {
  models: ModelFindings[]
  /** Findings left over all models (in-flight leftovers excluded). */
  findings: number
  /** With `repair`: what the repair pass changed, per model. */
  repaired?: { model: string; changes: VerifyReport['repaired'] }[]
  /** With `repair`: old transaction records removed (committed ones once their records are rolled forward). */
  transactions?: TransactionCleanupReport
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  repair?: boolean
  /** Called as each model's records are read (`phase` is `repair` during the repair pass, `check` otherwise). */
  onProgress?: (progress: { phase: 'check' | 'repair'; modelName: string; done: number; total: number }) => void
}

async function check(db: Database, models: readonly Model[], options: DoctorOptions): Promise<ModelFindings[]> {
  const reports: VerifyReport[] = []
  for (const model of models) {
    const onProgress = (done: number, total: number) => options.onProgress?.({ phase: 'check', modelName: model.name, done, total })
    reports.push(await db.repository(model).verify({ onProgress }))
  }
  const orphans = new Map<string, Orphan[]>()
  for (const link of foreignKeys(models)) {
    orphans.set(link.child.name, [...(orphans.get(link.child.name) ?? []), ...(await findOrphans(db, link))])
  }
  return reports.map((r) => findingsOf(r, orphans.get(r.model) ?? []))
}

/**
 * Checks every model of `db` with `verify()` (index entries, unique claims, tombstones, incomplete
 * deletes) and every foreign key for orphans. With `repair`, first repairs each model
 * (`verify({ repair: true })`: adds missing entries and claims, removes abandoned ones, finishes
 * incomplete deletes) and cleans up old transaction records (`cleanupTransactions`: the records of
 * a committed transaction nobody read since are rolled forward first), then checks again: the
 * findings returned are those left after the repair.
 * Orphans and duplicates are reported, never changed.
 */
export async function runDoctor(db: Database, models: readonly Model[], options: DoctorOptions = {}): Promise<DoctorResult> {
  let repaired: DoctorResult['repaired']
  let transactions: TransactionCleanupReport | undefined
  if (options.repair) {
    transactions = await cleanupTransactions(db)
    repaired = []
    for (const model of models) {
      const onProgress = (done: number, total: number) => options.onProgress?.({ phase: 'repair', modelName: model.name, done, total })
      const report = await db.repository(model).verify({ repair: true, onProgress })
      repaired.push({ model: model.name, changes: report.repaired })
    }
  }
  const found = await check(db, models, options)
  return {
    models: found,
    findings: found.reduce((n, f) => n + findingCount(f), 0),
    ...(repaired ? { repaired } : {}),
    ...(transactions ? { transactions } : {}),
  }
}
