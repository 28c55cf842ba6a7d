import { createSettings, instrumentStore, isS3verlessError } from '@s3verless/core'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { bcryptHasher, S3AuthService, TokenBlacklist } from '../src/index.js'
import { PASSWORD, SECRET } from './fixtures.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: auth against a real S3 server: ${S3_SKIP_REASON}\n`)

const codeOf = (error: unknown) => (isS3verlessError(error) ? error.code : String(error))

async function service() {
  const { store, bucket } = await createTestBucket(server!)
  const counted = instrumentStore(store)
  const auth = new S3AuthService({ store: counted, settings: createSettings({}), secretKey: SECRET, hasher: bcryptHasher({ cost: 4 }) })
  return { auth, store: counted, bucket }
}

describe.skipIf(!server)(`auth on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it('20 concurrent registrations of one username: exactly one user', async () => {
    const { auth } = await service()
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => auth.createUser({ username: 'alice', email: `alice-${i}@example.com`, password: PASSWORD })),
    )
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(codeOf(r.reason)).toBe('auth.userExists')
    expect(await auth.users.count()).toBe(1)
    const winner = (won[0] as PromiseFulfilledResult<{ id: string; email: string }>).value
    expect((await auth.getUserByUsername('alice'))?.id).toBe(winner.id)
    expect((await auth.getUserByEmail(winner.email))?.id).toBe(winner.id)
  }, 60_000)

  it('20 concurrent registrations of look-alikes of one name (case, fullwidth, bold): exactly one user', async () => {
    const { auth } = await service()
    const forms = ['admin', 'Admin', 'ADMIN', 'ａｄｍｉｎ', '𝐚𝐝𝐦𝐢𝐧']
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        auth.createUser({ username: forms[i % forms.length]!, email: `admin-${i}@example.com`, password: PASSWORD }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(codeOf(r.reason)).toBe('auth.userExists')
    expect(await auth.users.count()).toBe(1)
  }, 60_000)

  it('20 concurrent registrations of one email in different cases: exactly one user', async () => {
    const { auth } = await service()
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        auth.createUser({ username: `user-${i}`, email: i % 2 ? 'Bob@Example.com' : 'bob@EXAMPLE.com', password: PASSWORD }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason.details.field).toBe('email')
    expect(await auth.users.count()).toBe(1)
  }, 60_000)

  it('double refresh race, 10 rounds: both of two concurrent refreshes get the same pair, which keeps working', async () => {
    const { auth } = await service()
    const alice = await auth.createUser({ username: 'alice', email: 'alice@example.com', password: PASSWORD })
    for (let round = 0; round < 10; round++) {
      const pair = await auth.createTokenPair(alice)
      const [a, b] = await Promise.all([auth.refreshAccessToken(pair.refreshToken), auth.refreshAccessToken(pair.refreshToken)])
      expect(b).toEqual(a)
      const again = await auth.refreshAccessToken(a.refreshToken)
      expect((await auth.getCurrentUser(again.accessToken)).id).toBe(alice.id)
    }
  }, 120_000)

  it('10 concurrent refreshes of one token: all get the same pair', async () => {
    const { auth } = await service()
    const alice = await auth.createUser({ username: 'alice', email: 'alice@example.com', password: PASSWORD })
    const pair = await auth.createTokenPair(alice)
    const results = await Promise.all(Array.from({ length: 10 }, () => auth.refreshAccessToken(pair.refreshToken)))
    for (const r of results) expect(r).toEqual(results[0])
    await auth.refreshAccessToken(results[0]!.refreshToken)
  }, 60_000)

  it('a logout racing a refresh always lands', async () => {
    const { auth } = await service()
    const alice = await auth.createUser({ username: 'alice', email: 'alice@example.com', password: PASSWORD })
    for (let round = 0; round < 5; round++) {
      const pair = await auth.createTokenPair(alice)
      const [refreshed, revoked] = await Promise.allSettled([
        auth.refreshAccessToken(pair.refreshToken),
        auth.revokeRefreshToken(pair.refreshToken),
      ])
      expect(revoked).toEqual({ status: 'fulfilled', value: true })
      if (refreshed.status === 'fulfilled') {
        expect(codeOf(await auth.refreshAccessToken(refreshed.value.refreshToken).catch((e) => e))).toBe('auth.revokedToken')
      }
    }
  }, 60_000)

  it('concurrent blacklist adds from two instances are all visible to a fresh one', async () => {
    const { store } = await service()
    const [a, b] = [new TokenBlacklist({ store }), new TokenBlacklist({ store })]
    const until = new Date(Date.now() + 3_600_000)
    const ids = Array.from({ length: 100 }, (_, i) => `jti-${i}`)
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).add(id, until)))
    const fresh = new TokenBlacklist({ store })
    store.reset()
    const seen = await Promise.all(ids.map((id) => fresh.isBlacklisted(id)))
    expect(seen.every(Boolean)).toBe(true)
    expect(store.counts()).toMatchObject({ get: 100, list: 0 })
    expect(await fresh.isBlacklisted('never-revoked')).toBe(false)
  }, 60_000)

  it('keeps the login, refresh and blacklist-check budgets on a real server', async () => {
    const { auth, store } = await service()
    await auth.createUser({ username: 'alice', email: 'alice@example.com', password: PASSWORD })
    await auth.authenticateUser('alice', PASSWORD) // the index catalog, once per process
    store.reset()
    const user = await auth.authenticateUser('alice', PASSWORD)
    const pair = await auth.createTokenPair(user!)
    expect(store.counts()).toMatchObject({ get: 2, put: 3, list: 0, total: 5 })
    store.reset()
    const next = await auth.refreshAccessToken(pair.refreshToken)
    expect(store.counts()).toMatchObject({ get: 3, put: 2, list: 0, total: 5 })
    store.reset()
    await auth.verifyAccessToken(next.accessToken)
    expect(store.counts()).toMatchObject({ get: 2, total: 2 })
    store.reset()
    await auth.getCurrentUser(next.accessToken)
    expect(store.counts()).toMatchObject({ get: 3, total: 3 })
  }, 60_000)
})
