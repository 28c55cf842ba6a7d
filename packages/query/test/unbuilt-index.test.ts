import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const shape = { name: z.string(), price: z.number() }
const Before = defineModel(z.object(shape), { name: 'Thing' })
const After = defineModel(z.object(shape), { name: 'Thing', indexed: ['price'] })

describe('the planner never uses an index that is not built yet', () => {
  it('scans (and finds every record) until reindex, then uses the index', async () => {
    const store = instrumentStore(memoryStore())
    const old = createDatabase({ store, models: [Before] }).repository(Before)
    for (let i = 0; i < 30; i++) await old.create({ name: `t${i}`, price: i })
    const things = createDatabase({ store, models: [After] }).repository(After)
    const cheap = () => query(things).filter({ price__lt: 5 })
    expect((await cheap().all()).map((t) => t.price).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4])
    expect(cheap().explain()).toMatchObject({ path: { kind: 'records' }, scan: true, unbuiltIndexes: ['asc:price'] })
    await things.reindex()
    store.reset()
    expect((await cheap().all()).map((t) => t.price)).toEqual([0, 1, 2, 3, 4])
    expect(cheap().explain()).toMatchObject({ path: { kind: 'indexRange', field: 'price' }, unbuiltIndexes: [] })
    expect(store.counts()).toMatchObject({ list: 1, get: 5 })
  })
})
