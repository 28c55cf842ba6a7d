import { isS3verlessError } from '../errors.js'
import { fromUtf8 } from '../store/bytes.js'
import type { ObjectStore } from '../store/types.js'
import { mapLimit } from './concurrency.js'
import type { Database } from './database.js'
import type { TxRecord } from './intents.js'

/** Options of {@link cleanupTransactions}. */
export interface TransactionCleanupOptions {
  /**
   * Only transaction records older than this (by the store's clock) are touched; default 10 × the
   * database's lease. Keep it well above the lease: an aborted record is what stops a commit request
   * still in flight from landing.
   */
  olderThanMs?: number
  /**
   * Aborted transaction records are kept longer: one is what stops a late commit request of a
   * committer that was paused (or whose request was delayed) after a reader decided its transaction
   * aborted; removed, such a commit could land and roll forward the intents nobody had cleared yet.
   * Default: the larger of `olderThanMs` and one hour (a signed S3 request is refused 15 minutes
   * after it was signed, and a committer gives up before its commit when its intents took more than
   * half the lease).
   */
  abortedOlderThanMs?: number
}

/** What {@link cleanupTransactions} did. */
export interface TransactionCleanupReport {
  /** Transaction records old enough to judge. */
  examined: number
  /** Removed: aborted ones, and committed ones none of whose records carries its intent any more. */
  removed: number
  /** Records of committed transactions still carrying the intent, rolled forward here. */
  rolledForward: number
  /** Kept: a record of theirs could not be rolled forward now (it is tried again next time). */
  kept: number
}

/** The transaction a stored record object carries an intent of, if any. */
async function intentOf(store: ObjectStore, key: string): Promise<string | undefined> {
  const object = await store.get(key)
  if (!object) return undefined
  try {
    return (JSON.parse(fromUtf8(object.body)) as { _s3v?: { tx?: string } })._s3v?.tx
  } catch {
    return undefined
  }
}

/**
 * Maintenance: removes old transaction records (`{base}_tx/`), which transactions leave behind (about
 * 1 KiB per record written). An aborted one is removed once older than `abortedOlderThanMs` (an
 * intent that still names it reads as abandoned and is decided aborted again). A committed one is removed only once none of its
 * records carries its intent: each that still does is read through its repository first, which rolls
 * it forward. Costs 1 LIST per 1000 transaction records, 1 GET each, and 1 GET per record of a
 * committed one; run it from a scheduled job or `s3verless doctor --repair`.
 * @example
 * const report = await cleanupTransactions(db) // { examined, removed, rolledForward, kept }
 */
export async function cleanupTransactions(db: Database, options: TransactionCleanupOptions = {}): Promise<TransactionCleanupReport> {
  const { store } = db
  const repos = db.registry.models.map((model) => db.repository(model))
  const lease = repos[0]?.core.settings.leaseMs ?? 30_000
  const olderThan = options.olderThanMs ?? 10 * lease
  const abortedOlderThan = options.abortedOlderThanMs ?? Math.max(olderThan, 3_600_000)
  const report: TransactionCleanupReport = { examined: 0, removed: 0, rolledForward: 0, kept: 0 }
  const prefix = `${db.basePath}_tx/`
  const cleanup = async (key: string, etag: string | undefined) => {
    const object = await store.get(key)
    if (!object) return
    const tx = key.slice(prefix.length, -'.json'.length)
    const fate = JSON.parse(fromUtf8(object.body)) as TxRecord
    if (fate.s !== 'committed' && object.serverTime.getTime() - object.lastModified.getTime() < abortedOlderThan) return
    report.examined++
    for (const recordKey of Object.keys(fate.s === 'committed' ? (fate.r ?? {}) : {})) {
      if ((await intentOf(store, recordKey)) !== tx) continue
      const repo = repos.find((r) => recordKey.startsWith(r.core.layout.recordPrefix))
      const id = repo?.core.layout.idOf(recordKey)
      if (repo && id !== undefined) await repo.core.readAny(id).catch(() => undefined) // rolls it forward
      if ((await intentOf(store, recordKey)) === tx) {
        report.kept++
        return
      }
      report.rolledForward++
    }
    await store.delete(key, store.capabilities.conditionalDelete ? { ifMatch: etag ?? object.etag } : {}).then(
      () => report.removed++,
      (error) => {
        if (!isS3verlessError(error, 'store.preconditionFailed')) throw error
      },
    )
  }
  let cursor: string | undefined
  do {
    const page = await store.list(prefix, cursor ? { cursor } : {})
    const old = page.objects.filter((o) => page.serverTime.getTime() - o.lastModified.getTime() >= olderThan)
    await mapLimit(old, 8, (o) => cleanup(o.key, o.etag))
    cursor = page.cursor
  } while (cursor)
  return report
}
