import { createDatabase, defineModel, instrumentStore, isS3verlessError, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { AddField, Migration, MigrationRunner } from '../src/index.js'

const RECORDS = 5_000

/** The application before the migration… */
const ProductV1 = defineModel(z.object({ name: z.string(), price: z.number(), hits: z.number().int() }), {
  name: 'Product',
  unique: ['name'],
})
/** …and the one deployed for it: it writes `tier` on new records and reads records without one. */
const Product = defineModel(
  z.object({ name: z.string(), price: z.number(), hits: z.number().int(), tier: z.enum(['basic', 'premium']).optional() }),
  { name: 'Product', unique: ['name'], indexed: ['tier'] },
)
const tierOf = (price: number) => (price >= 50 ? 'premium' : 'basic')
const addTier = new Migration({
  version: '0001',
  modelName: 'Product',
  description: 'Add tier',
  operations: [new AddField('tier', (r) => tierOf(Number(r.price)))],
})

describe(`a migration over ${RECORDS.toLocaleString('en')} records while the application writes`, () => {
  it('loses no application write, and leaves every record migrated and indexed', async () => {
    // Up to 1 ms per request, so the application's writes interleave with the migration's.
    const store = instrumentStore(memoryStore(), { latencyMs: () => (Math.random() < 0.5 ? 0 : 1) })
    const old = createDatabase({ store: store.inner, models: [ProductV1] }).repository(ProductV1)
    const seeded = await old.createMany(Array.from({ length: RECORDS }, (_, i) => ({ name: `p${i}`, price: i % 100, hits: 0 })))
    const ids = seeded.map((p) => p.id)

    const app = createDatabase({ store, models: [Product] }).repository(Product)
    const increments = new Map<string, number>()
    const created: string[] = []
    const deleted = new Set<string>()
    let running = true
    let appWrites = 0
    const worker = async (n: number) => {
      for (let i = 0; running; i++) {
        const id = ids[Math.floor(Math.random() * ids.length)] as string
        if (n === 0 && i % 20 === 0) {
          created.push((await app.create({ name: `new${n}-${i}`, price: 75, hits: 0, tier: 'premium' })).id)
        } else if (n === 1 && i % 50 === 0 && !deleted.has(id)) {
          deleted.add(id)
          await app.delete(id)
        } else if (!deleted.has(id)) {
          try {
            await app.update(id, (cur) => ({ hits: cur.hits + 1 }))
            increments.set(id, (increments.get(id) ?? 0) + 1)
          } catch (error) {
            if (!isS3verlessError(error, 'model.notFound')) throw error // deleted by worker 1 meanwhile
          }
        }
        appWrites++
      }
    }
    const runner = new MigrationRunner(store, 'bucket', [addTier], { models: [Product], pageSize: 200 })
    const started = Date.now()
    const workers = Array.from({ length: 8 }, (_, n) => worker(n))
    const report = await runner.runPending().finally(() => {
      running = false
    })
    await Promise.all(workers)
    const seconds = (Date.now() - started) / 1000

    expect(report.ok).toBe(true)
    expect(report.results[0]).toMatchObject({ status: 'applied', failureCount: 0, reindexed: true })
    const survivors = ids.filter((id) => !deleted.has(id))
    const stored = await app.getMany([...survivors, ...created])
    expect(stored).toHaveLength(survivors.length + created.length)
    let lost = 0
    for (const record of stored) {
      if (record.hits !== (increments.get(record.id) ?? 0)) lost++
      expect(record.tier).toBe(tierOf(record.price))
    }
    expect(lost).toBe(0)
    const premium = stored.filter((r) => r.tier === 'premium').length
    // (A fresh database: the application's still trusts the index catalog it read before the reindex, for up to 5 minutes.)
    const reader = createDatabase({ store, models: [Product] }).repository(Product)
    expect((await reader.findAllBy('tier', 'premium')).length).toBe(premium)
    const verify = await app.verify()
    expect([verify.missingIndexEntries, verify.missingClaims, verify.duplicates]).toEqual([[], [], []])
    const totalIncrements = [...increments.values()].reduce((a, b) => a + b, 0)
    console.log(
      `migration of ${RECORDS} records: ${seconds.toFixed(1)} s with ${appWrites} concurrent application writes ` +
        `(${totalIncrements} increments, ${created.length} creates, ${deleted.size} deletes); ` +
        `records seen ${report.results[0]?.records}, rewritten ${report.results[0]?.changed}; application writes lost: ${lost}`,
    )
  }, 120_000)
})
