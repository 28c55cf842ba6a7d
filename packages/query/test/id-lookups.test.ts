import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const Item = defineModel(z.object({ name: z.string() }), { name: 'Item' })

async function items(n: number) {
  const store = instrumentStore(memoryStore())
  const repo = createDatabase({ store, models: [Item] }).repository(Item)
  const made = await repo.createMany(Array.from({ length: n }, (_, i) => ({ name: `i${i}` })))
  store.reset()
  return { store, repo, ids: made.map((m) => m.id) }
}

describe('id lookups count against maxScan', () => {
  it('refuses an id__in of more ids than the budget before any request, naming the count and the budget', async () => {
    const { store, repo, ids } = await items(5)
    const many = [...ids, ...Array.from({ length: 50_000 }, (_, i) => `missing-${i}`)]
    const error = await query(repo, { maxScan: 1000 })
      .filter({ id__in: many })
      .all()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'query.tooExpensive', details: { lookups: 50_005, maxScan: 1000 } })
    expect((error as Error).message).toMatch(/looks up 50005 ids .* maxScan budget of 1000/)
    expect(store.counts().total).toBe(0)
    const counted = await query(repo)
      .filter({ id__in: many })
      .maxScan(10)
      .count()
      .catch((e: unknown) => e)
    expect(counted).toMatchObject({ code: 'query.tooExpensive' })
    expect(store.counts().total).toBe(0)
  })

  it('serves an id list within the budget with one GET per id, and one id even under maxScan(0)', async () => {
    const { store, repo, ids } = await items(5)
    const found = await query(repo, { maxScan: 5 }).filter({ id__in: ids }).all()
    expect(found.map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(store.counts()).toMatchObject({ get: 5, list: 0 })
    store.reset()
    expect(
      (
        await query(repo)
          .filter({ id__in: [ids[0] as string] })
          .maxScan(0)
          .all()
      ).length,
    ).toBe(1)
    expect(store.counts().get).toBe(1)
  })
})
