import { createSettings, instrumentStore, memoryStore, type RequestCounts } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { bcryptHasher, normalizeEmail, normalizeUsername, S3AuthService, TokenBlacklist } from '../src/index.js'
import { PASSWORD, SECRET, testClock } from './fixtures.js'

/**
 * Fills a bucket with `size` users, each signed in once (a session and a refresh token) and with
 * one revoked access token, then counts the requests of each auth path for one more user.
 */
async function measure(size: number) {
  const store = instrumentStore(memoryStore())
  const hasher = bcryptHasher({ cost: 4 })
  const clock = testClock(Date.now())
  const auth = new S3AuthService({ store, settings: createSettings({}), secretKey: SECRET, hasher, now: clock.now })
  const hashedPassword = await hasher.hash(PASSWORD) // one hash for everybody: bcrypt per user would take minutes
  const users = await auth.users.createMany(
    Array.from({ length: size }, (_, i) => ({
      username: `user-${i}`,
      normalizedUsername: normalizeUsername(`user-${i}`),
      email: `user-${i}@example.com`,
      normalizedEmail: normalizeEmail(`user-${i}@example.com`),
      hashedPassword,
    })),
  )
  const revoker = new TokenBlacklist({ store })
  let revokedJti = ''
  for (const user of users) {
    const pair = await auth.createTokenPair(user)
    revokedJti = (await auth.verifyAccessToken(pair.accessToken)).jti
    await revoker.add(revokedJti, new Date(clock.now().getTime() + 3_600_000))
  }
  expect(await auth.users.count()).toBe(size)

  const counted = async (work: () => Promise<unknown>): Promise<RequestCounts> => {
    store.reset()
    await work()
    return store.counts()
  }
  const probe = `user-${size - 1}`
  await auth.authenticateUser(probe, PASSWORD) // the users index catalog: read once per process
  const user = (await auth.getUserByUsername(probe))!
  const pair = await auth.createTokenPair(user)
  const results = {
    login: await counted(async () => {
      const found = await auth.authenticateUser(probe, PASSWORD)
      await auth.createTokenPair(found!)
    }),
    authenticateUser: await counted(() => auth.authenticateUser(probe, PASSWORD)),
    loginUnknownUser: await counted(() => auth.authenticateUser('nobody', PASSWORD)),
    loginOtherCase: await counted(() => auth.authenticateUser(probe.toUpperCase(), PASSWORD)),
    getUserByEmail: await counted(() => auth.getUserByEmail(`USER-${size - 1}@example.com`)),
    refresh: await counted(() => auth.refreshAccessToken(pair.refreshToken)),
    refreshRepeated: await counted(() => auth.refreshAccessToken(pair.refreshToken)),
    refreshReused: await counted(async () => {
      clock.advance(10_001) // past the reuse interval
      await auth.refreshAccessToken(pair.refreshToken).catch(() => undefined)
    }),
    blacklistCheckRevoked: await counted(async () => expect(await new TokenBlacklist({ store }).isBlacklisted(revokedJti)).toBe(true)),
  }
  const other = await auth.createTokenPair(user)
  const live = {
    verifyAccessToken: await counted(() => auth.verifyAccessToken(other.accessToken)),
    getCurrentUser: await counted(() => auth.getCurrentUser(other.accessToken)),
  }
  return { ...results, ...live }
}

describe('request budgets of the auth paths (DESIGN.md §7)', () => {
  it('are the same with 10 and with 5,000 users, sessions and revoked tokens: no LIST, a few GETs and PUTs', async () => {
    const small = await measure(10)
    const large = await measure(5000)
    expect(large).toEqual(small)
    const zero = { get: 0, put: 0, delete: 0, deleteMany: 0, list: 0, total: 0 }
    // login: the username claim + the user record, then the session, its list entry and the refresh token
    expect(small.login).toEqual({ ...zero, get: 2, put: 3, total: 5 })
    expect(small.authenticateUser).toEqual({ ...zero, get: 2, total: 2 })
    // an unknown name: its exact claim, then its normalised claim
    expect(small.loginUnknownUser).toEqual({ ...zero, get: 2, total: 2 })
    // typed in another case: the exact claim misses, then the normalised claim + the record
    expect(small.loginOtherCase).toEqual({ ...zero, get: 3, total: 3 })
    expect(small.getUserByEmail).toEqual({ ...zero, get: 2, total: 2 })
    // refresh: the token record, the session and the user, then the new token and the session's compare-and-swap
    expect(small.refresh).toEqual({ ...zero, get: 3, put: 2, total: 5 })
    // the same token again within the reuse interval: the same pair, read only
    expect(small.refreshRepeated).toEqual({ ...zero, get: 3, total: 3 })
    // reuse of the rotated token: token + session + user, then the session marked revoked and dropped from the user's list
    expect(small.refreshReused).toEqual({ ...zero, get: 3, put: 1, delete: 1, total: 5 })
    // the blacklist and the token's session, in parallel (a session that ended ends its access tokens)
    expect(small.verifyAccessToken).toEqual({ ...zero, get: 2, total: 2 })
    expect(small.blacklistCheckRevoked).toEqual({ ...zero, get: 1, total: 1 })
    // the blacklist, the session and the user, in parallel
    expect(small.getCurrentUser).toEqual({ ...zero, get: 3, total: 3 })
  }, 180_000)
})
