import { instrumentStore, isS3verlessError, memoryStore, type S3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { Custom, Migration, MigrationLease, MigrationRunner } from '../src/index.js'
import { Product, productMigrations, seedV1, storedJson } from './fixtures.js'

const KEY = 's3verless-data/_locks/migrations'

function clockedStore() {
  const clock = { now: 1_000_000 }
  return { clock, store: memoryStore({ now: () => clock.now }) }
}

const lease = (store: ReturnType<typeof memoryStore>, holder: string, more: { ttlMs?: number; waitMs?: number } = {}) =>
  MigrationLease.acquire({ store, key: KEY, holder, ttlMs: 60_000, ...more })

async function refusal(promise: Promise<unknown>): Promise<S3verlessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isS3verlessError(error, 'migration.locked')) throw new Error(`expected migration.locked, got ${String(error)}`)
  return error
}

describe('MigrationLease', () => {
  it('is taken by one holder; another is refused with the holder named and when the lease expires', async () => {
    const { store } = clockedStore()
    const a = await lease(store, 'runner A')
    const error = await refusal(lease(store, 'runner B'))
    expect(error.message).toMatch(/^Migrations are locked by runner A \(since .*; the lease expires in 60 s unless renewed\)$/)
    expect(error.details).toMatchObject({ holder: 'runner A', expiresInMs: 60_000 })
    await a.release()
    const b = await lease(store, 'runner B')
    expect(b.info.holder).toBe('runner B')
    await b.release()
  })

  it('is taken over once older than its holder’s lease time by the store’s clock, and the old holder then finds it lost', async () => {
    const { store, clock } = clockedStore()
    const a = await lease(store, 'crashed runner')
    clock.now += 59_000
    await refusal(lease(store, 'runner B'))
    clock.now += 1_000
    const b = await lease(store, 'runner B')
    expect((await storedJson(store, KEY))?.holder).toBe('runner B')
    expect(a.lost).toBe(false)
    await expect(a.confirm()).rejects.toThrow('was taken over by another runner')
    expect(a.lost).toBe(true)
    await a.release() // must not free B's lease
    expect((await storedJson(store, KEY))?.holder).toBe('runner B')
    await b.confirm()
    await b.release()
  })

  it('is kept alive by renewals while its holder works', async () => {
    const store = memoryStore()
    const a = await lease(store, 'busy runner', { ttlMs: 300 })
    await new Promise((resolve) => setTimeout(resolve, 900))
    await refusal(lease(store, 'runner B'))
    await a.confirm()
    await a.release()
  })

  it('lets a waiting holder in as soon as the lease is released', async () => {
    const { store } = clockedStore()
    const a = await lease(store, 'runner A')
    const waiting = lease(store, 'runner B', { waitMs: 5_000 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await a.release()
    const b = await waiting
    expect(b.info.holder).toBe('runner B')
    await b.release()
  })

  it('is released with compare-and-swap on stores that ignore conditional DELETE, and taken at once after that', async () => {
    const { store: inner } = clockedStore()
    const store = { ...inner, capabilities: { conditionalDelete: false } }
    const a = await MigrationLease.acquire({ store, key: KEY, holder: 'A' })
    await a.release()
    expect(await storedJson(inner, KEY)).toMatchObject({ holder: 'A', released: true })
    const b = await MigrationLease.acquire({ store, key: KEY, holder: 'B' })
    expect((await storedJson(inner, KEY))?.holder).toBe('B')
    await b.release()
  })
})

describe('MigrationRunner and the lease', () => {
  it('a runner that loses its lease midway records nothing, and leaves the new holder’s lease alone', async () => {
    const { store, clock } = clockedStore()
    await seedV1(store, 20)
    let taker: Promise<MigrationLease> | undefined
    const stall = new Migration({
      version: '0003',
      modelName: 'Product',
      operations: [
        new Custom((r) => {
          // As if this runner stalled past its lease: the clock jumps and another runner takes over.
          if (!taker) {
            clock.now += 61_000
            taker = lease(store, 'runner B')
          }
          return r
        }),
      ],
    })
    const runner = new MigrationRunner(store, 'b', [...productMigrations, stall], { models: [Product], holder: 'runner A' })
    const error = await refusal(runner.runPending())
    expect(error.message).toContain('was taken over by another runner')
    expect((await taker)?.info.holder).toBe('runner B')
    expect((await runner.status()).applied).toEqual([])
    expect((await storedJson(store, KEY))?.holder).toBe('runner B')
  })

  it('a second runner reports the holder, or waits and then finds nothing pending', async () => {
    const { store } = clockedStore()
    await seedV1(store, 50)
    const a = new MigrationRunner(store, 'b', productMigrations, { models: [Product], holder: 'runner A' })
    const b = new MigrationRunner(store, 'b', productMigrations, { models: [Product], holder: 'runner B' })
    const outcomes = await Promise.allSettled([a.runPending(), b.runPending()])
    const won = outcomes.findIndex((o) => o.status === 'fulfilled')
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
    expect((outcomes[won] as PromiseFulfilledResult<{ applied: string[] }>).value.applied).toEqual(['0001', '0002', '0010'])
    expect(lost?.reason.message).toMatch(new RegExp(`^Migrations are locked by runner ${won === 0 ? 'A' : 'B'}`))

    const late = new Migration({ version: '0011', modelName: 'Product', apply: (r) => r })
    const a2 = new MigrationRunner(store, 'b', [...productMigrations, late], { models: [Product], holder: 'runner A' })
    const b2 = new MigrationRunner(store, 'b', [...productMigrations, late], { models: [Product], holder: 'runner B' })
    const both = await Promise.all([a2.runPending({ waitMs: 10_000 }), b2.runPending({ waitMs: 10_000 })])
    expect(both.map((r) => r.applied).sort()).toEqual([[], ['0011']])
    expect(both.every((r) => r.ok)).toBe(true)
  })
})

// Issue 17, item 5: a lease is judged on the store's clock, so it must be longer than that clock can tell apart.
describe('the lease time and the store clock', () => {
  const coarse = () => memoryStore({ timeResolutionMs: 1000 }) // like S3: times to the second

  it('refuses a lease time below twice the store’s clock resolution, naming the minimum', async () => {
    const store = coarse()
    const tooShort = () => new MigrationRunner(store, 'b', productMigrations, { models: [Product], leaseTtlMs: 1_000 })
    expect(tooShort).toThrow(
      'leaseTtlMs must be at least 2000 ms on the memory store (it reports times to 1000 ms, and a lease is judged expired by its age in those times), got 1000',
    )
    const error = (() => {
      try {
        tooShort()
      } catch (e) {
        return e
      }
    })()
    expect(isS3verlessError(error, 'settings.invalid')).toBe(true)
    expect((error as S3verlessError).details).toMatchObject({ variables: ['leaseTtlMs'], minimum: 2000 })
    await expect(MigrationLease.acquire({ store, key: KEY, holder: 'A', ttlMs: 1_999 })).rejects.toThrow(/at least 2000 ms/)
    expect(await store.get(KEY)).toBeNull() // refused before anything is written
    const ok = await MigrationLease.acquire({ store, key: KEY, holder: 'A', ttlMs: 2_000 })
    await ok.release()
  })

  it('judges a lease written with a shorter time (an older version) by the store’s minimum', async () => {
    const clock = { now: 1_000_000 }
    const store = memoryStore({ now: () => clock.now, timeResolutionMs: 1000 })
    const now = new Date(clock.now).toISOString()
    await store.put(KEY, JSON.stringify({ token: 't', holder: 'old runner', acquiredAt: now, renewedAt: now, ttlMs: 300 }))
    clock.now += 1_000
    await refusal(lease(store, 'runner B')) // 1 s old: not expired, whatever the 300 ms it claims
    clock.now += 1_000
    await (await lease(store, 'runner B')).release()
  })

  it('a holder whose renewals keep failing stops once a lease time has passed since the last one', async () => {
    const store = instrumentStore(memoryStore())
    const a = await MigrationLease.acquire({ store, key: KEY, holder: 'cut off', ttlMs: 300 })
    store.injectFault({ key: KEY, times: Number.POSITIVE_INFINITY, error: () => new Error('network down') })
    a.check()
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(() => a.check()).toThrow(
      /could not be renewed for \d+ ms \(its lease time is 300 ms\), so another runner may have taken it over/,
    )
    store.clearFaults()
    await a.confirm() // the store is back and nobody took the lease: a renewal succeeds, and the holder may go on
    await a.release()
  })
})
