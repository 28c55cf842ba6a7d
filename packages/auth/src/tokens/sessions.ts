import { listAll, type ObjectStore, uuidv7 } from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'
import { randomBytes, toBase64Url } from '../encoding.js'
import { AuthError } from '../errors.js'
import type { AuthKeys } from './auth-keys.js'
import { isRefreshTokenShaped, newRefreshToken, refreshTokenHash, rotationJti, successorToken } from './refresh-token.js'
import { lostCondition, readJson, type StoredJson, writeJson } from './stored-json.js'
import type { TokenConfig } from './token-config.js'
import { type FamilyRecord, familyRecordSchema, type RefreshRecord, type RevokeReason, refreshRecordSchema } from './token-records.js'

/** Where a session was started or last refreshed from (each at most 512 characters; longer is cut). */
export interface SessionContext {
  deviceInfo?: string | null | undefined
  ipAddress?: string | null | undefined
}

/** An active session of a user: one login, kept alive by refresh token rotation. */
export interface Session {
  /** The session id (also the `sid` claim of its access tokens). */
  id: string
  userId: string
  createdAt: Date
  lastUsedAt: Date
  /** When its current refresh token expires. */
  expiresAt: Date
  deviceInfo: string | null
  ipAddress: string | null
}

/** The user state a refresh needs. */
export interface SessionUser {
  id: string
  isActive: boolean
  tokenVersion: number
}

/** A refresh token just issued. */
export interface IssuedRefreshToken {
  refreshToken: string
  sessionId: string
  expiresAt: Date
}

/** What a rotation gives: the new refresh token, when it was issued, and the `jti` its access token takes. */
export interface RotatedRefreshToken<U> extends IssuedRefreshToken {
  user: U
  tokenVersion: number
  issuedAt: Date
  jti: string
}

const MAX_CONTEXT = 512
const clip = (value: string | null | undefined): string | null => (typeof value === 'string' ? value.slice(0, MAX_CONTEXT) : null)
const DAY_MS = 86_400_000
const SESSION_ID = /^[0-9a-f-]{36}$/i

const revoked = (message: string, reason: string) =>
  new AuthError('auth.revokedToken', `Refresh token is revoked: ${message}`, { details: { reason } })

/**
 * Refresh tokens and the sessions they belong to. Every path a request takes is O(1): a refresh is
 * 3 GETs (token, session, user) and 2 PUTs (a repeat within the reuse interval: the 3 GETs only); only listing a user's sessions, revoking all of them and
 * cleanup list anything (the user's own sessions, or — cleanup — every token).
 */
export class Sessions {
  constructor(
    private readonly store: ObjectStore,
    private readonly keys: AuthKeys,
    private readonly config: TokenConfig,
    private readonly now: () => Date,
  ) {}

  /** Starts a session for a user: 3 PUTs in 2 round trips (the session first, so a token never outlives it). */
  async start(userId: string, tokenVersion: number, context: SessionContext = {}): Promise<IssuedRefreshToken> {
    const sessionId = uuidv7()
    const refreshToken = newRefreshToken()
    const hash = await refreshTokenHash(refreshToken)
    const now = this.now()
    const expiresAt = new Date(now.getTime() + this.config.refreshTokenExpireDays * DAY_MS)
    const family: FamilyRecord = {
      v: 1,
      id: sessionId,
      userId,
      current: hash,
      previous: null,
      tokenVersion,
      createdAt: now.toISOString(),
      lastUsedAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      deviceInfo: clip(context.deviceInfo),
      ipAddress: clip(context.ipAddress),
      revokedAt: null,
      revokedReason: null,
    }
    await Promise.all([
      writeJson(this.store, this.keys.family(sessionId), family, { ifNoneMatch: '*' }),
      this.store.put(this.keys.session(userId, sessionId), ''),
    ])
    await this.writeToken(hash, { v: 1, userId, sessionId, issuedAt: now.toISOString(), expiresAt: expiresAt.toISOString() })
    return { refreshToken, sessionId, expiresAt }
  }

  /**
   * Exchanges a refresh token for a new one (rotation). The session's `current` token is replaced
   * with compare-and-swap; the new token is derived from the one presented ({@link successorToken}),
   * so every refresh of one token arrives at the same successor. Presenting the token again within
   * the reuse interval after its rotation (a second tab, a retry, the loser of a race) answers that
   * same successor, without a write; presenting it later, or any older token of the session, is
   * reuse — a sign it was stolen — and revokes the whole session. With an interval of 0 every
   * second presentation, even a concurrent one, is reuse.
   * @throws AuthError `auth.invalidToken` (malformed, unknown), `auth.expiredToken`, `auth.revokedToken`, `auth.inactiveUser`
   */
  async rotate<U extends SessionUser>(
    refreshToken: string,
    loadUser: (id: string) => Promise<U | null>,
    context: SessionContext = {},
  ): Promise<RotatedRefreshToken<U>> {
    const hash = await refreshTokenHash(refreshToken)
    const record = await readJson(this.store, this.keys.refresh(hash), refreshRecordSchema)
    if (!record?.value) {
      throw new AuthError('auth.invalidToken', 'Refresh token is invalid: unknown token', { details: { reason: 'unknown' } })
    }
    const token = record.value
    const now = this.now()
    if (Date.parse(token.expiresAt) <= now.getTime()) {
      throw new AuthError('auth.expiredToken', 'Refresh token has expired', { details: { reason: 'expired' } })
    }
    const secret = this.config.key()
    const next = await successorToken(refreshToken, secret)
    const [nextHash, jti] = await Promise.all([refreshTokenHash(next), rotationJti(next, secret)])
    const mark = toBase64Url(randomBytes(12))
    let [stored, user] = await Promise.all([this.readFamily(token.sessionId), loadUser(token.userId)])
    let tokenWritten = false
    for (let attempt = 0; attempt < 10; attempt++) {
      const family = stored?.value
      if (!stored || !family || family.userId !== token.userId) throw revoked('its session no longer exists', 'sessionGone')
      if (family.revokedAt) throw revoked(`its session was revoked (${family.revokedReason})`, family.revokedReason ?? 'revoked')
      const repeat = family.current === nextHash && family.previous === hash
      const ours = repeat && family.rotation === mark
      if (!ours && family.current !== hash) {
        const age = now.getTime() - Date.parse(family.lastUsedAt)
        const interval = this.config.refreshReuseIntervalSeconds * 1000
        if (!repeat || interval === 0 || age > interval) {
          await this.revoke(family.id, 'reuse', stored)
          throw revoked('it was already used; its session is revoked in case it was stolen', 'reuse')
        }
      }
      if (!user) throw revoked('its user no longer exists', 'userDeleted')
      if (!user.isActive) throw new AuthError('auth.inactiveUser', 'User is deactivated', { details: { userId: user.id } })
      if (user.tokenVersion !== family.tokenVersion) {
        throw revoked('every token of this user was revoked (password change or sign-out everywhere)', 'tokenVersion')
      }
      const issued = { refreshToken: next, sessionId: family.id, user, tokenVersion: family.tokenVersion, jti }
      // Already rotated to this token (by this call, a concurrent one, or a moment ago): the same pair.
      if (repeat) return { ...issued, expiresAt: new Date(family.expiresAt), issuedAt: new Date(family.lastUsedAt) }

      const expiresAt = new Date(now.getTime() + this.config.refreshTokenExpireDays * DAY_MS)
      if (!tokenWritten) {
        const successor = {
          v: 1 as const,
          userId: token.userId,
          sessionId: family.id,
          issuedAt: now.toISOString(),
          expiresAt: expiresAt.toISOString(),
        }
        // Create-if-absent; lost only to a concurrent rotation of the same token, which wrote this same record.
        await this.writeToken(nextHash, successor).catch((error) => {
          if (!lostCondition(error)) throw error
        })
        tokenWritten = true
      }
      const rotated: FamilyRecord = {
        ...family,
        previous: hash,
        current: nextHash,
        lastUsedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        rotation: mark,
        ...(context.deviceInfo ? { deviceInfo: clip(context.deviceInfo) } : {}),
        ...(context.ipAddress ? { ipAddress: clip(context.ipAddress) } : {}),
      }
      try {
        await writeJson(this.store, this.keys.family(family.id), rotated, { ifMatch: stored.etag })
        return { ...issued, expiresAt, issuedAt: now }
      } catch (error) {
        if (!lostCondition(error))
          throw error
          // Another write landed first, or ours landed and its answer was lost: decide again on what is stored.
        ;[stored, user] = await Promise.all([this.readFamily(family.id), loadUser(token.userId)])
      }
    }
    throw revoked('its session kept changing under 10 attempts', 'concurrentRefresh')
  }

  /** The session a refresh token belongs to, revoked. 2 GETs + 1 PUT (+1 DELETE). False when malformed, unknown or already revoked (no request for a malformed one). */
  async revokeToken(refreshToken: string, reason: RevokeReason = 'logout'): Promise<boolean> {
    if (!isRefreshTokenShaped(refreshToken)) return false
    const hash = await refreshTokenHash(refreshToken)
    const record = await readJson(this.store, this.keys.refresh(hash), refreshRecordSchema)
    if (!record?.value) return false
    return this.revoke(record.value.sessionId, reason)
  }

  /**
   * Marks a session revoked (compare-and-swap, re-read and retried when a refresh races it, so the
   * revocation always lands) and drops it from its user's list. With `userId`, only that user's.
   * Returns whether this call revoked it.
   */
  async revoke(sessionId: string, reason: RevokeReason, known?: StoredJson<FamilyRecord> | null, userId?: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false
    let current = known ?? (await this.readFamily(sessionId))
    for (let attempt = 0; attempt < 20; attempt++) {
      const family = current?.value
      if (!current || !family || (userId !== undefined && family.userId !== userId)) return false
      if (family.revokedAt) return false
      const stamp = this.now().toISOString()
      try {
        await writeJson(
          this.store,
          this.keys.family(sessionId),
          { ...family, revokedAt: stamp, revokedReason: reason },
          { ifMatch: current.etag },
        )
        await this.store.delete(this.keys.session(family.userId, sessionId))
        return true
      } catch (error) {
        if (!lostCondition(error)) throw error
        current = await this.readFamily(sessionId)
        if (current?.value?.revokedAt === stamp && current.value.revokedReason === reason) {
          await this.store.delete(this.keys.session(family.userId, sessionId))
          return true
        }
      }
    }
    throw new AuthError('auth.revokedToken', `Could not revoke session ${sessionId}: it kept changing under 20 attempts`, {
      details: { sessionId },
    })
  }

  /** The session id and user a refresh token was issued for, without rotating or checking it (1 GET); `null` when malformed or unknown. */
  async ownerOf(refreshToken: string): Promise<{ sessionId: string; userId: string } | null> {
    if (!isRefreshTokenShaped(refreshToken)) return null
    const record = await readJson(this.store, this.keys.refresh(await refreshTokenHash(refreshToken)), refreshRecordSchema)
    return record?.value ? { sessionId: record.value.sessionId, userId: record.value.userId } : null
  }

  /**
   * Why an access token of session `sessionId` (user `userId`) no longer counts, or `undefined` when
   * its session is live: 1 GET. A session that ended (logout, reuse, revocation) or was removed
   * ends every access token issued in it at once.
   */
  async endedReason(sessionId: string, userId: string): Promise<string | undefined> {
    if (!SESSION_ID.test(sessionId)) return 'sessionGone'
    const family = (await this.readFamily(sessionId))?.value
    if (!family || family.userId !== userId) return 'sessionGone'
    return family.revokedAt ? (family.revokedReason ?? 'revoked') : undefined
  }

  /** A user's active sessions, oldest first: 1 LIST (per 1000) + 1 GET per session. */
  async list(userId: string, tokenVersion: number): Promise<Session[]> {
    const families = await this.familiesOf(userId)
    const now = this.now().getTime()
    return families
      .filter((f) => !f.revokedAt && Date.parse(f.expiresAt) > now && f.tokenVersion === tokenVersion)
      .map((f) => ({
        id: f.id,
        userId: f.userId,
        createdAt: new Date(f.createdAt),
        lastUsedAt: new Date(f.lastUsedAt),
        expiresAt: new Date(f.expiresAt),
        deviceInfo: f.deviceInfo,
        ipAddress: f.ipAddress,
      }))
  }

  /** Revokes every listed session of a user; returns how many were still active. */
  async revokeAll(userId: string, reason: RevokeReason): Promise<number> {
    const families = await this.familiesOf(userId)
    const now = this.now().getTime()
    const done = await mapLimit(families, 8, async (f) =>
      Date.parse(f.expiresAt) > now ? this.revoke(f.id, reason, undefined, userId) : false,
    )
    return done.filter(Boolean).length
  }

  private async familiesOf(userId: string): Promise<FamilyRecord[]> {
    const ids: string[] = []
    const prefix = this.keys.sessionPrefix(userId)
    for await (const object of listAll(this.store, prefix)) ids.push(object.key.slice(prefix.length))
    const read = await mapLimit(ids, 16, (id) => this.readFamily(id))
    return read.flatMap((f) => (f?.value && f.value.userId === userId ? [f.value] : []))
  }

  readFamily(sessionId: string): Promise<StoredJson<FamilyRecord> | null> {
    return readJson(this.store, this.keys.family(sessionId), familyRecordSchema)
  }

  private async writeToken(hash: string, record: RefreshRecord): Promise<void> {
    await writeJson(this.store, this.keys.refresh(hash), record, { ifNoneMatch: '*' })
  }
}
