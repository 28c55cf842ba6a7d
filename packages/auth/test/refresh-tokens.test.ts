import { createHash } from 'node:crypto'
import { isS3verlessError } from '@s3verless/core'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { REFRESH_TOKEN_BYTES, type S3AuthServiceOptions } from '../src/index.js'
import { PASSWORD, register, setup } from './fixtures.js'

const codeOf = (error: unknown) => (isS3verlessError(error) ? error.code : String(error))
const reasonOf = (error: unknown) => (isS3verlessError(error) ? error.details.reason : undefined)
const DAY = 86_400_000

async function signedIn(options: S3AuthServiceOptions = {}) {
  const env = setup(options)
  const alice = await register(env.auth)
  const pair = await env.auth.createTokenPair(alice, { deviceInfo: 'Firefox on Linux', ipAddress: '203.0.113.9' })
  return { ...env, alice, pair }
}

describe('refresh tokens', () => {
  it('are 256 random bits, stored only as their SHA-256 at a key derived from it', async () => {
    const { auth, pair, store } = await signedIn()
    expect(REFRESH_TOKEN_BYTES).toBe(32)
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const sha = createHash('sha256').update(pair.refreshToken).digest('hex')
    const keys = (await store.list('s3verless-data/_auth/')).objects.map((o) => o.key)
    expect(keys).toContain(`s3verless-data/_auth/refresh/${sha}.json`)
    for (const key of keys) {
      const body = new TextDecoder().decode((await store.get(key))!.body)
      expect(body).not.toContain(pair.refreshToken)
    }
    expect(keys.join()).not.toContain(pair.refreshToken)
    await auth.refreshAccessToken(pair.refreshToken)
  })

  it('rotate: a refresh gives a new pair and the old refresh token is spent', async () => {
    const { auth, alice, pair } = await signedIn()
    const next = await auth.refreshAccessToken(pair.refreshToken)
    expect(next.refreshToken).not.toBe(pair.refreshToken)
    expect(next.sessionId).toBe(pair.sessionId)
    expect(decodeJwt(next.accessToken)).toMatchObject({ sub: alice.id, type: 'access', sid: pair.sessionId })
    expect((await auth.getCurrentUser(next.accessToken)).id).toBe(alice.id)
    const third = await auth.refreshAccessToken(next.refreshToken)
    expect((await auth.getCurrentUser(third.accessToken)).id).toBe(alice.id)
  })

  it('reusing a rotated token after the reuse interval revokes its whole session, and only that session', async () => {
    const { auth, alice, pair, clock } = await signedIn()
    const other = await auth.createTokenPair(alice)
    const next = await auth.refreshAccessToken(pair.refreshToken)
    clock.advance(10_001) // past the default reuse interval of 10 s
    const reuse = await auth.refreshAccessToken(pair.refreshToken).catch((e) => e)
    expect(codeOf(reuse)).toBe('auth.revokedToken')
    expect(reasonOf(reuse)).toBe('reuse')
    // the thief (or the user) holding the newer token is locked out too, access token included
    const after = await auth.refreshAccessToken(next.refreshToken).catch((e) => e)
    expect(codeOf(after)).toBe('auth.revokedToken')
    expect(after.message).toMatch(/session was revoked \(reuse\)/)
    expect(reasonOf(await auth.getCurrentUser(next.accessToken).catch((e) => e))).toBe('reuse')
    // another login of the same user is untouched
    await auth.refreshAccessToken(other.refreshToken)
    expect((await auth.listSessions(alice.id)).map((s) => s.id)).toEqual([other.sessionId])
  })

  it('within the reuse interval the rotated token answers the very same pair, without a write; an older token is reuse at once', async () => {
    const { auth, pair, clock, store } = await signedIn()
    const next = await auth.refreshAccessToken(pair.refreshToken)
    clock.advance(9_000)
    store.reset()
    const again = await auth.refreshAccessToken(pair.refreshToken)
    expect(again).toEqual(next)
    expect(store.counts()).toMatchObject({ get: 3, put: 0, delete: 0 })
    // the pair keeps working: its refresh token rotates as usual
    const third = await auth.refreshAccessToken(again.refreshToken)
    // the first token is now two rotations old: reuse, even inside the interval
    expect(reasonOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('reuse')
    expect(codeOf(await auth.refreshAccessToken(third.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
  })

  it('with a reuse interval of 0, a second presentation a moment later is reuse', async () => {
    const { auth, pair } = await signedIn({ refreshReuseIntervalSeconds: 0 })
    const next = await auth.refreshAccessToken(pair.refreshToken)
    expect(reasonOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('reuse')
    expect(codeOf(await auth.refreshAccessToken(next.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
    await expect(signedIn({ refreshReuseIntervalSeconds: 301 })).rejects.toThrow(/refreshReuseIntervalSeconds must be from 0 to 300/)
  })

  it('two concurrent refreshes of one token both get the same pair, whichever order the store sees them in', async () => {
    for (const slow of ['first', 'second', 'none'] as const) {
      const { auth, pair, store } = await signedIn()
      let calls = 0
      // both read the session before either writes it, or one reads after the other's swap
      store.setLatency((op, key) => {
        if (op !== 'get' || !key.includes('/families/')) return 0
        calls++
        return slow === 'none' ? 150 : (calls === 1) === (slow === 'first') ? 150 : 0
      })
      const results = await Promise.all([auth.refreshAccessToken(pair.refreshToken), auth.refreshAccessToken(pair.refreshToken)])
      store.setLatency(0)
      expect(results[1]).toEqual(results[0])
      expect(results[0].refreshToken).not.toBe(pair.refreshToken)
      const next = await auth.refreshAccessToken(results[0].refreshToken)
      expect((await auth.getCurrentUser(next.accessToken)).username).toBe('alice')
      // one token record per rotation: nothing left behind by the race
      expect((await store.list('s3verless-data/_auth/refresh/')).objects).toHaveLength(3)
    }
  })

  it('two concurrent refreshes with a reuse interval of 0: deterministically reuse, the session ends', async () => {
    const { auth, pair, store } = await signedIn({ refreshReuseIntervalSeconds: 0 })
    store.setLatency((op, key) => (op === 'get' && key.includes('/families/') ? 150 : 0))
    const results = await Promise.allSettled([auth.refreshAccessToken(pair.refreshToken), auth.refreshAccessToken(pair.refreshToken)])
    store.setLatency(0)
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    expect(won).toHaveLength(1)
    expect(reasonOf(lost[0])).toBe('reuse')
    expect(codeOf(await auth.refreshAccessToken(won[0]!.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
  })

  it('ten concurrent refreshes of one token: all get the same pair, and it keeps working', async () => {
    const { auth, pair, store } = await signedIn()
    store.setLatency(() => Math.random() * 10)
    const results = await Promise.all(Array.from({ length: 10 }, () => auth.refreshAccessToken(pair.refreshToken)))
    store.setLatency(0)
    for (const r of results) expect(r).toEqual(results[0])
    await auth.refreshAccessToken(results[0]!.refreshToken)
  })

  it('expire after refreshTokenExpireDays, counted again from each refresh', async () => {
    const { auth, pair, clock } = await signedIn({ refreshTokenExpireDays: 2 })
    expect(pair.refreshTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 2 * DAY)
    clock.advance(DAY + 1)
    const next = await auth.refreshAccessToken(pair.refreshToken)
    clock.advance(DAY + 1) // 2 days after login, 1 after the refresh
    const last = await auth.refreshAccessToken(next.refreshToken)
    clock.advance(2 * DAY)
    expect(codeOf(await auth.refreshAccessToken(last.refreshToken).catch((e) => e))).toBe('auth.expiredToken')
  })

  it('refuse unknown and malformed tokens (a malformed one without any request)', async () => {
    const { auth, store } = await signedIn()
    store.reset()
    for (const bad of ['', 'short', 'x'.repeat(44), 'a.b.c']) {
      const error = await auth.refreshAccessToken(bad).catch((e) => e)
      expect(codeOf(error)).toBe('auth.invalidToken')
    }
    expect(store.counts().total).toBe(0)
    const unknown = await auth.refreshAccessToken('A'.repeat(43)).catch((e) => e)
    expect(codeOf(unknown)).toBe('auth.invalidToken')
    expect(unknown.message).toMatch(/unknown token/)
  })

  it('revokeRefreshToken ends its session', async () => {
    const { auth, pair } = await signedIn()
    expect(await auth.revokeRefreshToken(pair.refreshToken)).toBe(true)
    expect(await auth.revokeRefreshToken(pair.refreshToken)).toBe(false)
    expect(await auth.revokeRefreshToken('A'.repeat(43))).toBe(false)
    for (const bad of ['not-a-token', '', 'a.b.c', 'x'.repeat(44)]) expect(await auth.revokeRefreshToken(bad)).toBe(false)
    const error = await auth.refreshAccessToken(pair.refreshToken).catch((e) => e)
    expect(codeOf(error)).toBe('auth.revokedToken')
    expect(error.message).toMatch(/\(logout\)/)
  })

  it('a revocation racing a refresh always lands', async () => {
    const { auth, pair, store } = await signedIn()
    store.setLatency((_op, key) => (key.includes('/families/') ? Math.random() * 20 : 0))
    const [refreshed, revokedIt] = await Promise.allSettled([
      auth.refreshAccessToken(pair.refreshToken),
      auth.revokeRefreshToken(pair.refreshToken),
    ])
    store.setLatency(0)
    expect(revokedIt).toEqual({ status: 'fulfilled', value: true })
    if (refreshed.status === 'fulfilled') {
      expect(codeOf(await auth.refreshAccessToken(refreshed.value.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
    }
  })

  it('lists active sessions with device and address, and revokes one', async () => {
    const { auth, alice, pair, clock } = await signedIn()
    clock.advance(1000)
    const phone = await auth.createTokenPair(alice, { deviceInfo: 'Phone', ipAddress: '198.51.100.7' })
    const sessions = await auth.listSessions(alice.id)
    expect(sessions.map((s) => [s.id, s.deviceInfo, s.ipAddress])).toEqual([
      [pair.sessionId, 'Firefox on Linux', '203.0.113.9'],
      [phone.sessionId, 'Phone', '198.51.100.7'],
    ])
    expect(sessions[0]).toMatchObject({ userId: alice.id, createdAt: expect.any(Date), expiresAt: expect.any(Date) })
    clock.advance(1000)
    await auth.refreshAccessToken(phone.refreshToken, { ipAddress: '198.51.100.8' })
    expect((await auth.listSessions(alice.id))[1]).toMatchObject({ ipAddress: '198.51.100.8', lastUsedAt: clock.now() })
    const bob = await register(auth, 'bob')
    expect(await auth.revokeSession(bob.id, phone.sessionId)).toBe(false) // not bob's
    expect(await auth.revokeSession(alice.id, phone.sessionId)).toBe(true)
    expect((await auth.listSessions(alice.id)).map((s) => s.id)).toEqual([pair.sessionId])
  })

  it('revokeAllUserTokens ends every session and access token of the user at once', async () => {
    const { auth, alice, pair } = await signedIn()
    const second = await auth.createTokenPair(alice)
    const bob = await register(auth, 'bob')
    const bobs = await auth.createTokenPair(bob)
    expect(await auth.revokeAllUserTokens(alice.id)).toBe(2)
    for (const token of [pair.refreshToken, second.refreshToken]) {
      expect(codeOf(await auth.refreshAccessToken(token).catch((e) => e))).toBe('auth.revokedToken')
    }
    const access = await auth.getCurrentUser(pair.accessToken).catch((e) => e)
    expect(codeOf(access)).toBe('auth.revokedToken')
    expect(reasonOf(access)).toBe('tokenVersion')
    expect(await auth.listSessions(alice.id)).toEqual([])
    await auth.refreshAccessToken(bobs.refreshToken) // bob is untouched
    // a new login works at once
    const again = await auth.createTokenPair((await auth.authenticateUser('alice', PASSWORD))!)
    expect((await auth.getCurrentUser(again.accessToken)).id).toBe(alice.id)
  })

  it('the user-wide revocation holds even for a session the listing missed', async () => {
    const { auth, alice, pair, store } = await signedIn()
    // the session's entry in the user's list is lost: revocation does not depend on it
    await store.delete(`s3verless-data/_auth/sessions/${alice.id}/${pair.sessionId}`)
    expect(await auth.revokeAllUserTokens(alice.id)).toBe(0)
    expect(reasonOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('tokenVersion')
  })

  it('a password change revokes every token of the user', async () => {
    const { auth, alice, pair } = await signedIn()
    await auth.changePassword(alice.id, PASSWORD, 'new-password-2')
    expect(codeOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
    expect(codeOf(await auth.getCurrentUser(pair.accessToken).catch((e) => e))).toBe('auth.revokedToken')
    const fresh = await auth.createTokenPair((await auth.authenticateUser('alice', 'new-password-2'))!)
    expect((await auth.getCurrentUser(fresh.accessToken)).id).toBe(alice.id)
  })

  it('tokens of deactivated or deleted users stop working, also after reactivation', async () => {
    const { auth, alice, pair } = await signedIn()
    await auth.deactivateUser(alice.id)
    expect(codeOf(await auth.getCurrentUser(pair.accessToken).catch((e) => e))).toBe('auth.inactiveUser')
    expect(codeOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
    expect(codeOf(await auth.createTokenPair({ ...alice, isActive: false }).catch((e) => e))).toBe('auth.inactiveUser')
    await auth.activateUser(alice.id)
    expect(codeOf(await auth.getCurrentUser(pair.accessToken).catch((e) => e))).toBe('auth.revokedToken')
    expect(codeOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('auth.revokedToken')

    const bob = await register(auth, 'bob')
    const bobs = await auth.createTokenPair(bob)
    await auth.deleteUser(bob.id)
    const gone = await auth.getCurrentUser(bobs.accessToken).catch((e) => e)
    expect(codeOf(gone)).toBe('auth.revokedToken')
    expect(reasonOf(gone)).toBe('userDeleted')
    expect(codeOf(await auth.refreshAccessToken(bobs.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
  })

  it('logout blacklists the access token and ends its session', async () => {
    const { auth, pair, alice } = await signedIn()
    const other = await auth.createTokenPair(alice)
    await auth.logout(pair.accessToken)
    const error = await auth.getCurrentUser(pair.accessToken).catch((e) => e)
    expect(codeOf(error)).toBe('auth.revokedToken')
    expect(reasonOf(error)).toBe('blacklisted')
    expect(codeOf(await auth.verifyAccessToken(pair.accessToken).catch((e) => e))).toBe('auth.revokedToken')
    expect(codeOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
    expect((await auth.getCurrentUser(other.accessToken)).id).toBe(alice.id)
    expect(await auth.revokeAccessToken(other.accessToken)).toBe(true)
    expect(codeOf(await auth.getCurrentUser(other.accessToken).catch((e) => e))).toBe('auth.revokedToken')
  })

  it('revoking an expired access token is a no-op; without a blacklist it is refused clearly', async () => {
    const { auth, pair, clock } = await signedIn()
    clock.advance(31 * 60_000)
    expect(await auth.revokeAccessToken(pair.accessToken)).toBe(false)
    const plain = await signedIn({ blacklist: false })
    expect(plain.auth.blacklist).toBeUndefined()
    expect(codeOf(await plain.auth.logout(plain.pair.accessToken).catch((e) => e))).toBe('auth.invalidOptions')
  })

  it('cleanupExpiredTokens removes expired and revoked tokens and ended sessions, and keeps what may still be used', async () => {
    const { auth, alice, pair, clock, store } = await signedIn({ refreshTokenExpireDays: 1 })
    const keys = async (what: string) => (await store.list(`s3verless-data/_auth/${what}/`)).objects.length
    const rotated = await auth.refreshAccessToken(pair.refreshToken) // the first token is spent but kept: its reuse must still be seen
    const ended = await auth.createTokenPair(alice)
    await auth.revokeRefreshToken(ended.refreshToken)
    expect(await keys('refresh')).toBe(3)
    expect(await auth.cleanupTokens()).toEqual({ refreshTokens: 1, sessions: 1 })
    expect(await keys('refresh')).toBe(2)
    expect(await keys('families')).toBe(1)
    clock.advance(10_001) // past the reuse interval
    expect(reasonOf(await auth.refreshAccessToken(pair.refreshToken).catch((e) => e))).toBe('reuse')
    // a day later, everything has expired
    const last = await auth.createTokenPair(alice)
    clock.advance(DAY + 1)
    expect(await auth.cleanupExpiredTokens()).toBe(3)
    expect(await keys('refresh')).toBe(0)
    expect(await keys('families')).toBe(0)
    expect(await keys(`sessions/${alice.id}`)).toBe(0)
    expect(codeOf(await auth.refreshAccessToken(rotated.refreshToken).catch((e) => e))).toBe('auth.invalidToken')
    expect(codeOf(await auth.refreshAccessToken(last.refreshToken).catch((e) => e))).toBe('auth.invalidToken')
  })
})
