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

/**
 * Maintenance: removes expired and revoked refresh tokens and ended sessions. It lists every
 * session and token (1 LIST per 1000 + 1 GET each), so run it from a scheduled job, not a request.
 * Rotated tokens that have not expired are kept, so their reuse is still recognised.
 */
export async function cleanupTokens(store: ObjectStore, keys: AuthKeys, now: Date): Promise<TokenCleanupReport> {
  const at = now.getTime()
  const live = new Set<string>()
  const endedIds = new Set<string>()
  const ended: string[] = []
  const familyKeys: string[] = []
  for await (const object of listAll(store, keys.familyPrefix)) familyKeys.push(object.key)
  await mapLimit(familyKeys, 16, async (key) => {
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
  })

  const deadTokens: string[] = []
  const tokenKeys: string[] = []
  for await (const object of listAll(store, keys.refreshPrefix)) tokenKeys.push(object.key)
  await mapLimit(tokenKeys, 16, async (key) => {
    const stored = await readJson(store, key, refreshRecordSchema)
    if (!stored) return
    const token = stored.value
    if (!token || Date.parse(token.expiresAt) <= at) {
      deadTokens.push(key)
      return
    }
    if (live.has(token.sessionId)) return
    if (endedIds.has(token.sessionId)) {
      deadTokens.push(key)
      return
    }
    // A session started after the listing above: a token is written only after its session, so a
    // session that is missing now has ended.
    const family = (await readJson(store, keys.family(token.sessionId), familyRecordSchema))?.value
    if (!family || family.revokedAt || Date.parse(family.expiresAt) <= at) deadTokens.push(key)
  })
  await deleteAll(store, deadTokens)
  await deleteAll(store, ended)
  return { refreshTokens: deadTokens.length, sessions: ended.filter((k) => k.startsWith(keys.familyPrefix)).length }
}
