import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createDatabase, defineModel, instrumentStore, memoryStore } from '../../src/index.js'

const shape = { name: z.string(), sku: z.string(), category: z.string() }
const V1 = defineModel(z.object(shape), { name: 'Item' })
const V2 = defineModel(z.object(shape), { name: 'Item', indexed: ['category'], unique: ['sku'] })

describe('index catalog: an index is used only once it is built for the stored data', () => {
  it('marks every declared index ready when a collection starts empty', async () => {
    const store = instrumentStore(memoryStore())
    const items = createDatabase({ store, models: [V2] }).repository(V2)
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => items.create({ name: `n${i}`, sku: `s${i}`, category: 'a' })),
    )
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
    expect(await items.indexStatus()).toEqual({ ready: ['asc:category', 'unique:sku'], building: [] })
    expect(await items.findAllBy('category', 'a')).toHaveLength(10)
    store.reset()
    await items.create({ name: 'x', sku: 'sx', category: 'b' })
    expect(store.counts()).toMatchObject({ get: 0, list: 0, put: 3 })
  })

  it('keeps an index added to a model with data out of use until reindex builds it', async () => {
    const memory = memoryStore()
    const v1 = createDatabase({ store: memory, models: [V1] }).repository(V1)
    for (let i = 0; i < 5; i++) await v1.create({ name: `n${i}`, sku: `s${i}`, category: i % 2 ? 'odd' : 'even' })
    const v2 = createDatabase({ store: memory, models: [V2] }).repository(V2)
    expect(await v2.indexStatus()).toEqual({ ready: [], building: ['asc:category', 'unique:sku'] })
    const notReady = await v2.findAllBy('category', 'odd').catch((e) => e)
    expect(notReady.code).toBe('model.indexNotReady')
    expect(notReady.message).toMatch(/Item: the index on category is declared but not built .* run reindex\(\)/)
    expect((await v2.findBy('sku', 's1').catch((e) => e)).code).toBe('model.indexNotReady')
    // Writes under an unbuilt unique constraint are refused: uniqueness could not be enforced.
    expect((await v2.create({ name: 'dup', sku: 's1', category: 'odd' }).catch((e) => e)).code).toBe('model.indexNotReady')
    const report = await v2.reindex()
    expect(report.repaired).toMatchObject({ indexEntriesAdded: 5, claimsAdded: 5 })
    expect(await v2.indexStatus()).toEqual({ ready: ['asc:category', 'unique:sku'], building: [] })
    expect(await v2.findAllBy('category', 'odd')).toHaveLength(2)
    expect((await v2.create({ name: 'dup', sku: 's1', category: 'odd' }).catch((e) => e)).code).toBe('model.unique')
    // A process started after the rebuild reads the new catalog.
    const v2b = createDatabase({ store: memory, models: [V2] }).repository(V2)
    expect((await v2b.findBy('sku', 's3'))?.name).toBe('n3')
  })

  it('leaves a unique constraint unbuilt while duplicates violate it, and says so', async () => {
    const memory = memoryStore()
    const v1 = createDatabase({ store: memory, models: [V1] }).repository(V1)
    await v1.create({ name: 'a', sku: 'same', category: 'x' })
    await v1.create({ name: 'b', sku: 'same', category: 'x' })
    const v2 = createDatabase({ store: memory, models: [V2] }).repository(V2)
    const report = await v2.reindex()
    expect(report.duplicates).toEqual([{ field: 'sku', value: 'same', ids: expect.any(Array) }])
    expect(await v2.indexStatus()).toEqual({ ready: ['asc:category'], building: ['unique:sku'] })
    expect(await v2.findAllBy('category', 'x')).toHaveLength(2)
    expect((await v2.create({ name: 'c', sku: 'new', category: 'x' }).catch((e) => e)).code).toBe('model.indexNotReady')
  })

  it('leaves unique constraints unbuilt while records it could not read may hold their values', async () => {
    const memory = memoryStore()
    const v1 = createDatabase({ store: memory, models: [V1] }).repository(V1)
    await v1.create({ name: 'a', sku: 's1', category: 'x' })
    const broken = await v1.create({ name: 'b', sku: 's2', category: 'x' })
    await memory.put(`s3verless-data/items/${broken.id}.json`, `{"not": "an item"${' '.repeat(100)}`) // (under 100 bytes it would be skipped as a tombstone)
    const v2 = createDatabase({ store: memory, models: [V2] }).repository(V2)
    const report = await v2.reindex()
    expect(report.corrupt).toEqual([`s3verless-data/items/${broken.id}.json`])
    // The unreadable record may hold s2: claiming it for another record would break uniqueness.
    expect(await v2.indexStatus()).toEqual({ ready: ['asc:category'], building: ['unique:sku'] })
  })
})
