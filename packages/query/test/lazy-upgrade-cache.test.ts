import { InMemoryCache, repositoryCache } from '@s3verless/cache'
import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const ItemV1 = defineModel(z.object({ label: z.string(), euros: z.number() }), { name: 'Item', indexed: ['label'] })
/** Version 2 stores cents: a step that must run exactly once per record. */
const Item = defineModel(z.object({ label: z.string(), euros: z.number() }), {
  name: 'Item',
  indexed: ['label'],
  version: 2,
  upgrades: { 2: (r) => ({ ...r, euros: Number(r.euros) * 100 }) },
})

describe('cached query results of lazily upgraded records', () => {
  it('are upgraded once: a result served from the cache is not upgraded again', async () => {
    const store = instrumentStore(memoryStore())
    await createDatabase({ store, models: [ItemV1] })
      .repository(ItemV1)
      .create({ label: 'pen', euros: 2 })
    const db = createDatabase({ store, models: [Item], cache: { backend: repositoryCache(new InMemoryCache({ defaultTtl: 300 })) } })
    const items = () => query(db.repository(Item), { cacheResults: { ttlSeconds: 60 } }).filter({ label: 'pen' })
    expect((await items().all()).map((i) => i.euros)).toEqual([200])
    store.reset()
    expect((await items().all()).map((i) => i.euros)).toEqual([200])
    expect(store.counts().total).toBe(0) // served from the cache
  })
})
