import { createDatabase, defineModel, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { AddField, Migration, MigrationRunner } from '../src/index.js'
import { recordKey, seedV1, storedJson } from './fixtures.js'

/** The application declares lazy upgrades instead of a migration: version 2 renames title → name. */
const Product = defineModel(z.object({ name: z.string(), price: z.number() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price'],
  version: 2,
  upgrades: { 2: ({ title, ...r }) => ({ ...r, name: title }) },
})

describe('lazy upgrades and backfill', () => {
  it('the application reads old records upgraded; runPending({ backfill }) rewrites them at the new version, once', async () => {
    const store = memoryStore()
    const [pen] = await seedV1(store, 40)
    const products = createDatabase({ store, models: [Product] }).repository(Product)
    expect((await products.getOrThrow(pen!.id)).name).toBe('P0') // no rewrite needed to read it
    expect(await storedJson(store, recordKey(pen!.id))).toHaveProperty('title', 'P0')

    const runner = new MigrationRunner(store, 'b', [], { models: [Product] })
    const dry = await runner.runPending({ backfill: true, dryRun: true })
    expect(dry.backfills).toEqual([
      expect.objectContaining({ modelName: 'Product', version: 2, records: 40, changed: 40, failureCount: 0 }),
    ])
    expect(await storedJson(store, recordKey(pen!.id))).toHaveProperty('title', 'P0')

    const report = await runner.runPending({ backfill: true })
    expect(report.ok).toBe(true)
    expect(report.backfills[0]).toMatchObject({ records: 40, changed: 40, reindexed: true })
    const body = await storedJson(store, recordKey(pen!.id))
    expect(body).toMatchObject({ name: 'P0', _s3v: { v: 2 } })
    expect(body).not.toHaveProperty('title')
    expect((await products.findBy('name', 'P0'))?.id).toBe(pen!.id) // the claims follow the upgraded values
    expect((await products.verify()).missingClaims).toEqual([])

    const again = await runner.runPending({ backfill: true })
    expect(again.backfills[0]).toMatchObject({ records: 40, changed: 0 })
  })

  it('a migration of a model with lazy upgrades sees its records upgraded first', async () => {
    const store = memoryStore()
    const [pen] = await seedV1(store, 3)
    const WithDiscount = defineModel(z.object({ name: z.string(), price: z.number(), discount: z.number() }), {
      name: 'Product',
      version: 2,
      upgrades: Product.upgrades,
    })
    const seen: string[] = []
    const addDiscount = new Migration({
      version: '0001',
      modelName: 'Product',
      operations: [new AddField('discount', (r) => (seen.push(Object.keys(r).sort().join(',')) ? 0 : 0))],
    })
    await new MigrationRunner(store, 'b', [addDiscount], { models: [WithDiscount] }).runPending({ precheck: false })
    expect(seen[0]).toBe('createdAt,id,name,price,updatedAt')
    expect(await storedJson(store, recordKey(pen!.id))).toMatchObject({ name: 'P0', discount: 0, _s3v: { v: 2 } })
  })
})
