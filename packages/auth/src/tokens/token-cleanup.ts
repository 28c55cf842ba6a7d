import { deleteAll, listAll, type ObjectStore } from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'
import type { AuthKeys } from './auth-keys.js'
import { readJson } from './stored-json.js'
import { familyRecordSchema, refreshRecordSchema } from './token-records.js'

/** What {@link cleanupTokens} removed. */
export interface TokenCleanupReport {
  /** Refresh token records removed: expired, unreadable, or of a session that ended. */
  refreshTokens: number
  /** Sessions removed: revoked or expired (with their entries in their user's list). */
  sessions: number
}

/** Hands the keys under `prefix` to `fn` a listed page (up to 1000) at a time, never all at once. */
async function eachPage(store: ObjectStore, prefix: string, fn: (keys: string[]) => Promise<void>): Promise<void> {
  let page: string[] = []
  for await (const object of listAll(store, prefix)) {
    if (page.push(object.key) < 1000) continue
    await fn(page)
    page = []
  }
  if (page.length > 0) await fn(page)
}

/**
 * Maintenance: removes expired and revoked refresh tokens and ended sessions. It lists every
 * session and token (1 LIST per 1000 + 1 GET each), so run it from a scheduled job, not a request.
 * It works a listed page at a time (what it holds is the ids of the sessions, not every key).
 * Rotated tokens that have not expired are kept, so their reuse is still recognised.
 */
export async function cleanupTokens(store: ObjectStore, keys: AuthKeys, now: Date): Promise<TokenCleanupReport> {
  const at = now.getTime()
  const live = new Set<string>()
  const endedIds = new Set<string>()
  const report: TokenCleanupReport = { refreshTokens: 0, sessions: 0 }
  await eachPage(store, keys.familyPrefix, async (page) => {
    const ended: string[] = []
    await mapLimit(page, 16, async (key) => {
      const stored = await readJson(store, key, familyRecordSchema)
      const family = stored?.value
      if (!stored) return
      if (family && !family.revokedAt && Date.parse(family.expiresAt) > at) {
        live.add(family.id)
        return
      }
      if (family) {
        endedIds.add(family.id)
        ended.push(keys.session(family.userId, family.id))
      }
      ended.push(key)
      report.sessions++
    })
    // A session's tokens found later are removed by the ids kept above; were this run to stop
    // before them, a token whose session is missing reads as ended next time.
    await deleteAll(store, ended)
  })
  await eachPage(store, keys.refreshPrefix, async (page) => {
    const dead: string[] = []
    await mapLimit(page, 16, async (key) => {
      const stored = await readJson(store, key, refreshRecordSchema)
      if (!stored) return
      const token = stored.value
      if (!token || Date.parse(token.expiresAt) <= at) {
        dead.push(key)
        return
      }
      if (live.has(token.sessionId)) return
      if (endedIds.has(token.sessionId)) {
        dead.push(key)
        return
      }
      // A session started after the listing above: a token is written only after its session, so a
      // session that is missing now has ended.
      const family = (await readJson(store, keys.family(token.sessionId), familyRecordSchema))?.value
      if (!family || family.revokedAt || Date.parse(family.expiresAt) <= at) dead.push(key)
    })
    await deleteAll(store, dead)
    report.refreshTokens += dead.length
  })
  return report
}
