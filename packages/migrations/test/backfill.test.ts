import { createDatabase, defineModel, memoryStore, type Repository, type S3verlessError } from '@s3verless/core'
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

// Issue 17, item 2: a backfill leaves every record's index entries and claims right, including
// records an older library version stored at the new version with the entries and claims of their
// old values (it diffed an application write against the upgraded record, not the stored one).
describe('backfill repairs entries and claims', () => {
  const Sku1 = defineModel(z.object({ sku: z.string(), category: z.string(), note: z.string() }), {
    name: 'Part',
    unique: ['sku'],
    indexed: ['category'],
  })
  /** Version 2 upper-cases the unique sku and the indexed category. */
  const Sku2 = defineModel(Sku1.schema, {
    name: 'Part',
    unique: ['sku'],
    indexed: ['category'],
    version: 2,
    upgrades: { 2: (r) => ({ ...r, sku: String(r.sku).toUpperCase(), category: String(r.category).toUpperCase() }) },
  })
  const partKey = (id: string) => `s3verless-data/parts/${id}.json`

  async function setup() {
    const clock = { offset: 0 }
    const store = memoryStore({ now: () => Date.now() + clock.offset })
    const old = createDatabase({ store, models: [Sku1] }).repository(Sku1)
    const parts = () => createDatabase({ store, models: [Sku2] }).repository(Sku2)
    const backfill = () => new MigrationRunner(store, 'b', [], { models: [Sku2] }).runPending({ backfill: true })
    return { store, clock, old, parts, backfill }
  }

  /** What a user checks: found by the new values, the old value free, the new one taken. */
  async function expectRight(parts: Repository<typeof Sku2>, id: string) {
    expect((await parts.findBy('sku', 'AB-1'))?.id).toBe(id)
    expect((await parts.findAllBy('category', 'TOOLS')).map((p) => p.id)).toEqual([id])
    expect(await parts.findAllBy('category', 'tools')).toEqual([])
    const taken = await parts.create({ sku: 'AB-1', category: 'x', note: 'second' }).catch((e: S3verlessError) => e.code)
    expect(taken).toBe('model.unique')
    expect((await parts.create({ sku: 'ab-1', category: 'x', note: 'the old value is free' })).sku).toBe('ab-1')
    const verify = await parts.verify()
    expect([verify.missingIndexEntries, verify.missingClaims, verify.duplicates, verify.staleClaims]).toEqual([[], [], [], []])
  }

  it('after an application write of another field through the new version, the record is found by its new values', async () => {
    const { old, parts, backfill } = await setup()
    const part = await old.create({ sku: 'ab-1', category: 'tools', note: '' })
    await parts().update(part.id, { note: 'written by the new version' })
    const report = await backfill()
    await expectRight(parts(), part.id)
    expect(report.ok).toBe(true)
    expect(report.backfills[0]).toMatchObject({ records: 1, changed: 0, reindexed: true })
  })

  it('a record stored at the new version with the claims and entries of its old values (the old bug) is repaired', async () => {
    const { store, clock, old, parts, backfill } = await setup()
    const part = await old.create({ sku: 'ab-1', category: 'tools', note: '' })
    const body = await storedJson(store, partKey(part.id))
    // What the old library stored: upgraded values at version 2, bookkeeping still for sku ab-1, category tools.
    const damaged = {
      ...body,
      sku: 'AB-1',
      category: 'TOOLS',
      note: 'written by the old library',
      _s3v: { ...(body?._s3v as object), v: 2 },
    }
    await store.put(partKey(part.id), JSON.stringify(damaged))
    expect(await parts().findBy('sku', 'AB-1')).toBeNull() // the damage: unfindable by its value
    clock.offset += 31_000 // long ago, as such damage is: the old claim is older than the lease

    const report = await backfill()
    await expectRight(parts(), part.id)
    expect(report.ok).toBe(true)
    expect(report.backfills[0]).toMatchObject({
      records: 1,
      changed: 0,
      reindexed: true,
      repaired: { claimsAdded: 1, claimsReleased: 1, indexEntriesAdded: 1, indexEntriesRemoved: 1 },
    })
  })

  it('a damaged record whose new value another record took meanwhile: the backfill fails, naming both', async () => {
    const { store, clock, old, parts, backfill } = await setup()
    const part = await old.create({ sku: 'ab-1', category: 'tools', note: '' })
    const body = await storedJson(store, partKey(part.id))
    await store.put(
      partKey(part.id),
      JSON.stringify({ ...body, sku: 'AB-1', category: 'TOOLS', _s3v: { ...(body?._s3v as object), v: 2 } }),
    )
    const other = await parts().create({ sku: 'AB-1', category: 'tools', note: 'took the free-looking value' })
    clock.offset += 31_000
    const report = await backfill()
    expect(report.ok).toBe(false)
    expect(report.backfills[0]?.failures.map((f) => f.id).sort()).toEqual([part.id, other.id].sort())
    expect(report.backfills[0]?.failures[0]?.error).toMatch(/sku = "AB-1" is held by 2 records/)
  })
})
