import { describe, expect, it } from 'vitest'
import { sleep } from '../../src/repository/concurrency.js'
import { lamp, setup } from './fixtures.js'

const LEASE = 200
const recordPut = /s3verless-data\/products\/[^/]+\.json$/
const indexPut = /_index\/products\/category\//

async function holders(env: ReturnType<typeof setup>, sku: string) {
  return (await env.products.listByPrefix()).items.filter((p) => p.sku === sku)
}

describe('the claim lease: a slow writer never lets two records share a unique value', () => {
  it('a create stalled while writing its record loses to a writer that took over its expired claim, and rolls back', async () => {
    const env = setup({ leaseMs: LEASE })
    env.store.injectFault({ op: 'put', key: recordPut, delayMs: 3 * LEASE })
    const slow = env.products.create(lamp({ sku: 'X', name: 'slow' })).catch((e) => e)
    await sleep(1.5 * LEASE)
    const fast = await env.products.create(lamp({ sku: 'X', name: 'fast' }))
    const slowResult = await slow
    expect(slowResult.code).toBe('model.unique')
    expect(slowResult.details.lostClaim).toBe(true)
    const owners = await holders(env, 'X')
    expect(owners.map((p) => p.name)).toEqual(['fast'])
    expect((await env.products.findBy('sku', 'X'))?.id).toBe(fast.id)
  })

  it('a create stalled between claiming and writing renews its claim, notices it was taken over, and writes nothing', async () => {
    const env = setup({ leaseMs: LEASE })
    env.store.injectFault({ op: 'put', key: indexPut, delayMs: 3 * LEASE })
    const slow = env.products.create(lamp({ sku: 'Y', name: 'slow' })).catch((e) => e)
    await sleep(1.5 * LEASE)
    await env.products.create(lamp({ sku: 'Y', name: 'fast', category: 'garden' }))
    expect((await slow).code).toBe('model.unique')
    expect((await holders(env, 'Y')).map((p) => p.name)).toEqual(['fast'])
  })

  it('a claim younger than the lease is respected even though its record does not exist yet', async () => {
    const env = setup({ leaseMs: 5_000 })
    env.store.injectFault({ op: 'put', key: recordPut, delayMs: 150 })
    const slow = env.products.create(lamp({ sku: 'W', name: 'slow' }))
    await sleep(50)
    const rival = await env.products.create(lamp({ sku: 'W', name: 'rival' })).catch((e) => e)
    // The rival waits a little for the young claim to settle: the slow record lands, the value is taken.
    expect(rival.code).toBe('model.unique')
    expect((await slow).name).toBe('slow')
    expect((await holders(env, 'W')).map((p) => p.name)).toEqual(['slow'])
  })

  it('an update to a new unique value that stalls loses the value and leaves the record as it was', async () => {
    const env = setup({ leaseMs: LEASE })
    const a = await env.products.create(lamp({ sku: 'A', name: 'a' }))
    env.store.injectFault({ op: 'put', key: recordPut, delayMs: 3 * LEASE })
    const slow = env.products.update(a.id, { sku: 'V' }).catch((e) => e)
    await sleep(1.5 * LEASE)
    await env.products.create(lamp({ sku: 'V', name: 'fast' }))
    expect((await slow).code).toBe('model.unique')
    expect((await env.products.getOrThrow(a.id)).sku).toBe('A')
    expect((await holders(env, 'V')).map((p) => p.name)).toEqual(['fast'])
    expect((await env.products.findBy('sku', 'A'))?.id).toBe(a.id)
  })

  it('a claim left by a crashed writer is taken over once its lease has passed (real clock)', async () => {
    const env = setup({ leaseMs: LEASE })
    env.store.injectFault({ op: 'put', key: recordPut, error: () => new Error('process died'), times: Number.POSITIVE_INFINITY })
    env.store.injectFault({ op: ['delete', 'deleteMany'], error: () => new Error('process died'), times: Number.POSITIVE_INFINITY })
    await expect(env.products.create(lamp({ sku: 'Q' }))).rejects.toThrow('process died')
    env.store.clearFaults()
    expect((await env.products.create(lamp({ sku: 'Q' })).catch((e) => e)).details.inFlight).toBe(true)
    await sleep(LEASE + 20)
    expect((await env.products.create(lamp({ sku: 'Q', name: 'heir' }))).name).toBe('heir')
  })
})
