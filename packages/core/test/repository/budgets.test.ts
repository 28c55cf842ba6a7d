import { describe, expect, it } from 'vitest'
import { lamp, setup } from './fixtures.js'

/** Fills a collection of `size` records, then counts each operation's requests. */
async function measure(size: number) {
  const { products, store } = setup()
  await products.createMany(
    Array.from({ length: size }, (_, i) => lamp({ sku: `bulk-${i}`, category: i % 2 ? 'home' : 'garden', price: i })),
  )
  const counted = async (work: () => Promise<unknown>) => {
    store.reset()
    await work()
    return store.counts()
  }
  const created = await products.create(lamp({ sku: 'probe', price: 1e9 }))
  const results = {
    create: await counted(() => products.create(lamp({ sku: 'probe-2' }))),
    get: await counted(() => products.get(created.id)),
    updatePrice: await counted(() => products.update(created.id, { price: 1e9 + 1 })),
    updateName: await counted(() => products.update(created.id, { name: 'Renamed' })),
    updateSku: await counted(() => products.update(created.id, { sku: 'probe-3' })),
    findBy: await counted(() => products.findBy('sku', 'probe-3')),
    findByMissing: await counted(() => products.findBy('sku', 'nobody')),
    listPage: await counted(() => products.listByPrefix({ limit: 20 })),
    delete: await counted(() => products.delete(created.id)),
  }
  return results
}

describe('request budgets (DESIGN.md §7)', () => {
  it('hold for create/get/update/delete/findBy and do not change between 100 and 10,000 records', async () => {
    const small = await measure(100)
    const large = await measure(10_000)
    expect(large).toEqual(small)
    // create with u=1 unique and i=2 indexed fields: 1 + 1 + 2 PUTs, no GET, no LIST
    expect(small.create).toEqual({ get: 0, put: 4, delete: 0, deleteMany: 0, list: 0, total: 4 })
    expect(small.get).toEqual({ get: 1, put: 0, delete: 0, deleteMany: 0, list: 0, total: 1 })
    // update touching one indexed field: 1 GET + record PUT + new entry PUT + 1 batched delete of the old entry
    expect(small.updatePrice).toEqual({ get: 1, put: 2, delete: 0, deleteMany: 1, list: 0, total: 4 })
    // update touching no indexed or unique field: 1 GET + 1 PUT
    expect(small.updateName).toEqual({ get: 1, put: 1, delete: 0, deleteMany: 0, list: 0, total: 2 })
    // update of the unique field: 1 GET + record PUT + new claim PUT + conditional release of the old claim
    expect(small.updateSku).toEqual({ get: 1, put: 2, delete: 1, deleteMany: 0, list: 0, total: 4 })
    expect(small.findBy).toEqual({ get: 2, put: 0, delete: 0, deleteMany: 0, list: 0, total: 2 })
    expect(small.findByMissing.total).toBe(1)
    expect(small.listPage).toEqual({ get: 20, put: 0, delete: 0, deleteMany: 0, list: 1, total: 21 })
    // delete: 1 GET + 1 DELETE + 1 batched delete of its entries + conditional release of its one claim
    expect(small.delete).toEqual({ get: 1, put: 0, delete: 2, deleteMany: 1, list: 0, total: 4 })
  }, 120_000)
})
