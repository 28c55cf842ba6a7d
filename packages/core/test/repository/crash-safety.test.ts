import { describe, expect, it } from 'vitest'
import { InjectedFault } from '../../src/index.js'
import { lamp, setup } from './fixtures.js'

const LEASE = 30_000

/**
 * A database on a memory store whose clock the test moves, and a way to "crash" after k requests.
 * The index catalog is read first (once per process in real life), so steps count only the operation.
 */
async function crashable(conditionalDelete = true) {
  let clock = Date.parse('2026-01-01T00:00:00Z')
  const env = setup({ now: () => clock, leaseMs: LEASE, conditionalDelete })
  await env.products.indexStatus()
  return {
    ...env,
    advance: (ms: number) => {
      clock += ms
    },
    /** From the (k+1)-th request on, every request fails: the writer has died mid-way and cannot roll back. */
    crashAfter: (k: number) =>
      env.store.injectFault({ skip: k, times: Number.POSITIVE_INFINITY, error: () => new InjectedFault('put', 'crash') }),
  }
}

/** No query misses an existing record: each of its indexed values and its unique value finds it. */
async function assertNothingMissed(env: Awaited<ReturnType<typeof crashable>>) {
  const page = await env.products.listByPrefix({ limit: 1000 })
  for (const p of page.items) {
    expect((await env.products.findBy('sku', p.sku))?.id).toBe(p.id)
    expect((await env.products.findAllBy('category', p.category)).map((r) => r.id)).toContain(p.id)
    expect((await env.products.findAllBy('price', p.price)).map((r) => r.id)).toContain(p.id)
  }
  return page.items
}

async function assertRepairs(env: Awaited<ReturnType<typeof crashable>>) {
  env.advance(LEASE + 1)
  const report = await env.products.verify()
  expect(report.missingIndexEntries).toEqual([])
  expect(report.missingClaims).toEqual([])
  const repaired = await env.products.verify({ repair: true })
  expect(repaired.repaired.indexEntriesRemoved).toBe(report.danglingIndexEntries.length)
  expect(repaired.repaired.claimsReleased).toBe(report.staleClaims.length)
  expect(repaired.repaired.tombstonesRemoved).toBe(report.tombstones.length)
  const clean = await env.products.verify()
  expect(clean).toMatchObject({
    danglingIndexEntries: [],
    staleClaims: [],
    missingIndexEntries: [],
    missingClaims: [],
    inFlight: [],
    tombstones: [],
  })
  // Where DELETE is not conditional, a delete leaves a small tombstone (never counted or listed).
  const objects = env.memory.keys().filter((k) => k.startsWith('s3verless-data/products/'))
  const tombstones = await Promise.all(objects.map(async (k) => (await env.memory.get(k))!.body.length < 100))
  expect(objects.length - tombstones.filter(Boolean).length).toBe(clean.records)
  expect(await env.products.count()).toBe(clean.records)
  return report
}

/** Runs `op` fault-free once to count its requests, then crashes it after every possible number of requests. */
async function crashAtEveryStep(
  prepare: (env: Awaited<ReturnType<typeof crashable>>) => Promise<() => Promise<unknown>>,
  check: (env: Awaited<ReturnType<typeof crashable>>, k: number) => Promise<void>,
  conditionalDelete = true,
) {
  const probe = await crashable(conditionalDelete)
  const op = await prepare(probe)
  probe.store.reset()
  await op()
  const steps = probe.store.counts().total
  expect(steps).toBeGreaterThan(2)
  let leftovers = 0
  for (let k = 0; k < steps; k++) {
    const env = await crashable(conditionalDelete)
    const run = await prepare(env)
    const stop = env.crashAfter(k)
    // Crashes after the record write resolve: the write happened, only its clean-up died.
    await run().catch(() => undefined)
    stop()
    env.store.clearFaults()
    await assertNothingMissed(env)
    await check(env, k)
    const report = await assertRepairs(env)
    leftovers += report.danglingIndexEntries.length + report.staleClaims.length + report.tombstones.length
  }
  return { steps, leftovers }
}

describe('crash safety (a writer dies between any two requests)', () => {
  it('create: a record that exists is always fully findable; verify finds and repairs the leftovers', async () => {
    const { steps, leftovers } = await crashAtEveryStep(
      async (env) => () => env.products.create(lamp({ sku: 'C-1', price: 7 })),
      async (env) => {
        const found = await env.products.findBy('sku', 'C-1')
        const all = await env.products.listByPrefix()
        expect(all.items.length).toBe(found ? 1 : 0)
      },
    )
    expect(steps).toBe(4)
    expect(leftovers).toBeGreaterThan(0)
  })

  it('create: the unique value of a crashed create is free again once its lease has passed', async () => {
    const env = await crashable()
    env.crashAfter(1)
    await expect(env.products.create(lamp({ sku: 'Z' }))).rejects.toThrow()
    env.store.clearFaults()
    const early = await env.products.create(lamp({ sku: 'Z' })).catch((e) => e)
    expect(early.code).toBe('model.unique')
    expect(early.details.inFlight).toBe(true)
    env.advance(LEASE + 1)
    expect((await env.products.create(lamp({ sku: 'Z' }))).sku).toBe('Z')
  })

  it('update: the record is wholly old or wholly new, and findable by whichever values it holds', async () => {
    await crashAtEveryStep(
      async (env) => {
        const p = await env.products.create(lamp({ sku: 'U-1', price: 1, category: 'home' }))
        return () => env.products.update(p.id, { sku: 'U-2', price: 2, category: 'garden' })
      },
      async (env) => {
        const [p] = (await env.products.listByPrefix()).items
        expect(p).toBeDefined()
        const state = [p?.sku, p?.price, p?.category]
        expect([JSON.stringify(['U-1', 1, 'home']), JSON.stringify(['U-2', 2, 'garden'])]).toContain(JSON.stringify(state))
      },
    )
  })

  it.each([
    ['a store with conditional DELETE', true],
    ['a store without (like Ceph RGW: tombstone first)', false],
  ])('delete on %s: the record is either fully present or gone, and its values become reusable', async (_, conditionalDelete) => {
    await crashAtEveryStep(
      async (env) => {
        const p = await env.products.create(lamp({ sku: 'D-1', price: 3 }))
        return () => env.products.delete(p.id)
      },
      async (env) => {
        const left = (await env.products.listByPrefix()).items
        env.advance(LEASE + 1)
        if (left.length === 0) expect((await env.products.create(lamp({ sku: 'D-1' }))).sku).toBe('D-1')
        else expect((await env.products.create(lamp({ sku: 'D-1' })).catch((e) => e)).code).toBe('model.unique')
      },
      conditionalDelete,
    )
  })

  it('readers skip a dangling index entry and delete it once it is older than the lease', async () => {
    const env = await crashable()
    env.crashAfter(3)
    await expect(env.products.create(lamp({ sku: 'R', category: 'lost' }))).rejects.toThrow()
    env.store.clearFaults()
    expect(await env.products.findAllBy('category', 'lost')).toEqual([])
    expect(env.memory.keys().filter((k) => k.includes('/category/'))).toHaveLength(1)
    env.advance(LEASE + 1)
    expect(await env.products.findAllBy('category', 'lost')).toEqual([])
    expect(env.memory.keys().filter((k) => k.includes('/category/'))).toHaveLength(0)
  })
})
