import { createDatabase, defineModel, InjectedFault, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const Item = defineModel(z.object({ sku: z.string(), kind: z.string(), weight: z.number() }), {
  name: 'Item',
  unique: ['sku'],
  indexed: ['kind', 'weight'],
  indexedDescending: ['createdAt'],
})

/** Every way of asking for the records finds each record that exists, and nothing that does not. */
async function assertQueriesSeeExactly(repo: ReturnType<typeof setup>['items']) {
  const truth = (await repo.listByPrefix({ limit: 1000 })).items
  const ids = truth.map((r) => r.id).sort()
  const q = () => query(repo)
  for (const r of truth) {
    expect((await q().filter({ sku: r.sku }).get()).id).toBe(r.id)
    expect((await q().filter({ kind: r.kind }).all()).map((x) => x.id)).toContain(r.id)
    expect((await q().filter({ weight__gte: r.weight, weight__lte: r.weight }).all()).map((x) => x.id)).toContain(r.id)
  }
  expect((await q().filter({ weight__gte: 0 }).all()).map((x) => x.id).sort()).toEqual(ids)
  expect((await q().orderBy('-createdAt').limit(100).all()).map((x) => x.id).sort()).toEqual(ids)
  expect(await q().filter({ weight__gte: 0 }).count({ exact: true })).toBe(ids.length)
}

function setup() {
  const store = instrumentStore(memoryStore())
  return { store, items: createDatabase({ store, models: [Item] }).repository(Item) }
}

describe('a writer crashing between any two requests never hides a record from queries', () => {
  for (const op of ['create', 'update', 'delete'] as const) {
    it(op, async () => {
      for (let k = 0; ; k++) {
        const { store, items } = setup()
        const a = await items.create({ sku: 'a', kind: 'x', weight: 1 })
        await items.create({ sku: 'b', kind: 'y', weight: 2 })
        store.reset()
        store.injectFault({ skip: k, times: Number.POSITIVE_INFINITY, error: () => new InjectedFault('put', 'crash') })
        const run =
          op === 'create'
            ? () => items.create({ sku: 'c', kind: 'x', weight: 3 })
            : op === 'update'
              ? () => items.update(a.id, { sku: 'a2', kind: 'z', weight: 5 })
              : () => items.delete(a.id)
        await run().catch(() => undefined)
        const attempted = store.counts().total
        store.clearFaults()
        await assertQueriesSeeExactly(items)
        if (attempted <= k) break // the operation finished before the crash point: every step was covered
      }
    })
  }
})
