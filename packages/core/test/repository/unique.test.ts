import { describe, expect, it } from 'vitest'
import { isS3verlessError } from '../../src/index.js'
import { lamp, setup } from './fixtures.js'

describe('unique constraints', () => {
  it('refuses a second record with the same value, naming field and value', async () => {
    const { products } = setup()
    await products.create(lamp({ sku: 'SKU-1' }))
    const err = await products.create(lamp({ sku: 'SKU-1', name: 'Other' })).catch((e) => e)
    expect(isS3verlessError(err, 'model.unique')).toBe(true)
    expect(err.message).toBe('Product.sku must be unique: "SKU-1" is already taken')
    expect(err.details).toMatchObject({ model: 'Product', field: 'sku', value: 'SKU-1' })
    expect(await products.count()).toBe(1)
  })

  it('lets exactly one of 50 concurrent creates of one value win', async () => {
    const { products } = setup()
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => products.create(lamp({ sku: 'HOT', name: `n${i}` }))))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason.code).toBe('model.unique')
    expect(await products.count()).toBe(1)
  })

  it("refuses to update B to A's value and leaves B unchanged", async () => {
    const { products } = setup()
    await products.create(lamp({ sku: 'A' }))
    const b = await products.create(lamp({ sku: 'B', price: 5 }))
    const err = await products.update(b.id, { sku: 'A', price: 6 }).catch((e) => e)
    expect(err.code).toBe('model.unique')
    const after = await products.getOrThrow(b.id)
    expect(after).toMatchObject({ sku: 'B', price: 5 })
    expect(after.$etag).toBe(b.$etag)
    expect((await products.findBy('sku', 'B'))?.id).toBe(b.id)
    expect(await products.findAllBy('price', 6)).toEqual([])
  })

  it('frees the old value when a record changes its unique value, and when it is deleted', async () => {
    const { products } = setup()
    const a = await products.create(lamp({ sku: 'OLD' }))
    await products.update(a.id, { sku: 'NEW' })
    const reuse = await products.create(lamp({ sku: 'OLD' }))
    expect(reuse.sku).toBe('OLD')
    await products.delete(reuse.id)
    expect((await products.create(lamp({ sku: 'OLD' }))).sku).toBe('OLD')
  })

  it('treats null as no value: many records may leave a unique field empty', async () => {
    const { db } = setup()
    const { z } = await import('zod')
    const { defineModel, createDatabase } = await import('../../src/index.js')
    const Member = defineModel(z.object({ handle: z.string().nullable() }), { name: 'Member', unique: ['handle'] })
    const members = createDatabase({ store: db.store, models: [Member] }).repository(Member)
    await members.create({ handle: null })
    await members.create({ handle: null })
    await members.create({ handle: 'x' })
    expect((await members.create({ handle: 'x' }).catch((e) => e)).code).toBe('model.unique')
  })

  it('finds by a unique value in 2 GETs, also among more than 1,000 records', async () => {
    const { products, store } = setup()
    const made = await products.createMany(Array.from({ length: 1100 }, (_, i) => lamp({ sku: `K${i}` })))
    store.reset()
    const hit = await products.findBy('sku', 'K1050')
    expect(hit?.id).toBe(made[1050]?.id)
    expect(store.counts()).toMatchObject({ get: 2, list: 0, total: 2 })
    expect((await products.create(lamp({ sku: 'K1099' })).catch((e) => e)).code).toBe('model.unique')
    expect((await products.create(lamp({ sku: 'K1100' }))).sku).toBe('K1100')
    expect(await products.count()).toBe(1101)
  })

  it('encodes values so that similar strings and numbers never collide', async () => {
    const { products } = setup()
    const skus = [
      'a/b',
      'a_b',
      'a%2Fb',
      'A/B',
      '',
      ' ',
      '0',
      '00',
      '\u00e9',
      'e\u0301',
      'ключ',
      '😀',
      'x'.repeat(600),
      `${'x'.repeat(600)}y`,
    ]
    for (const sku of skus) await products.create(lamp({ sku }))
    for (const sku of skus) expect((await products.findBy('sku', sku))?.sku).toBe(sku)
  })
})
