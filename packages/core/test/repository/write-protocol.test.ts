import { describe, expect, it } from 'vitest'
import { PreconditionFailed } from '../../src/index.js'
import { lamp, setup } from './fixtures.js'

const RECORD = /\/products\/[^/]+\.json$/
const CLAIM = /_unique\/products\//

/** Wraps the store so the test can see how many requests are in flight at once. */
function trackConcurrency(store: ReturnType<typeof setup>['store']) {
  let now = 0
  let peak = 0
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      peak = Math.max(peak, ++now)
      try {
        return await fn(...args)
      } finally {
        now--
      }
    }
  for (const op of ['get', 'put', 'delete', 'deleteMany', 'list'] as const) {
    ;(store as unknown as Record<string, unknown>)[op] = wrap((store[op] as (...a: unknown[]) => Promise<unknown>).bind(store))
  }
  return { peak: () => peak }
}

describe('write protocol details', () => {
  it('a write whose first attempt landed is recognised when a retrying client then gets 412 (no false conflict)', async () => {
    const env = setup()
    // The request is performed, then the answer is a 412, as a client that retried on its own would see.
    env.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => new PreconditionFailed('put', 'record') })
    const created = await env.products.create(lamp({ sku: 'R-1' }))
    expect(await env.products.findBy('sku', 'R-1')).toMatchObject({ id: created.id })
    env.store.injectFault({ op: 'put', key: RECORD, afterRequest: true, error: () => new PreconditionFailed('put', 'record') })
    const updated = await env.products.update(created.id, { sku: 'R-2', category: 'garden' })
    expect(updated.$etag).toBe((await env.products.getOrThrow(created.id)).$etag)
    expect((await env.products.findAllBy('category', 'garden')).map((p) => p.id)).toEqual([created.id])
    expect(await env.products.findBy('sku', 'R-1')).toBeNull()
  })

  it("delete removes a record's entries and releases its claims in parallel, after the commit point", async () => {
    for (const conditionalDelete of [true, false]) {
      const env = setup({ conditionalDelete })
      const p = await env.products.create(lamp({ sku: 'D-1' }))
      env.store.setLatency(5)
      const tracker = trackConcurrency(env.store)
      expect(await env.products.delete(p.id)).toBe(true)
      expect(tracker.peak()).toBeGreaterThanOrEqual(2)
      expect(await env.products.findBy('sku', 'D-1')).toBeNull()
      // Only a released claim marker and the record's tombstone may stay where the store cannot delete conditionally.
      const left = env.memory.keys().filter((k) => !k.includes('_meta/') && !CLAIM.test(k))
      expect(left).toEqual(conditionalDelete ? [] : [`s3verless-data/products/${p.id}.json`])
      expect(await env.products.count()).toBe(0)
      expect(await env.products.create(lamp({ sku: 'D-1' }))).toMatchObject({ sku: 'D-1' })
      // A create of the same id replaces the tombstone.
      expect(await env.products.create({ ...lamp({ sku: 'D-2' }), id: p.id })).toMatchObject({ id: p.id, sku: 'D-2' })
    }
  })

  it('upper-case caller-chosen ids are stored lower-case and found either way', async () => {
    const env = setup()
    const id = '01890A5D-AC96-774B-BCCE-B302099A8057'
    const p = await env.products.create({ ...lamp({ sku: 'U-1' }), id })
    expect(p.id).toBe(id.toLowerCase())
    expect((await env.products.get(id))?.sku).toBe('U-1')
    expect((await env.products.update(id, { price: 3 })).price).toBe(3)
    expect(await env.products.exists(id.toLowerCase())).toBe(true)
    expect(await env.products.delete(id)).toBe(true)
  })

  it('a refused create with a caller-chosen id leaves no index entries or claims behind', async () => {
    const env = setup()
    const first = await env.products.create(lamp({ sku: 'C-1' }))
    const id = '01890a5d-ac96-774b-bcce-b302099a8057'
    // The create loses to a write of the same id that lands between its existence check and its record PUT.
    env.store.injectFault({ op: 'put', key: RECORD, delayMs: 30 })
    const racing = env.products.create({ ...lamp({ sku: 'C-2', category: 'x' }), id })
    await new Promise((r) => setTimeout(r, 10))
    await env.memory.put(`s3verless-data/products/${id}.json`, '{}', { ifNoneMatch: '*' })
    expect((await racing.catch((e) => e)).code).toBe('model.conflict')
    expect(env.memory.keys().filter((k) => k.includes(id) && !k.endsWith('.json'))).toEqual([])
    expect(env.memory.keys().filter((k) => CLAIM.test(k))).toHaveLength(1) // only C-1's
    expect(await env.products.findBy('sku', 'C-1')).toMatchObject({ id: first.id })
  })
})
