import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { mulberry32 } from '@s3verless/testing/random'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

// A descending order on a field with only an ascending index (issue 20): the index is listed to the
// end of the range and read backwards, never every record fetched. Checked against the same data
// sorted in memory, across chunk boundaries (1,000 keys), ties, nulls, ranges, cursors and writes
// made between pages.

const Item = defineModel(z.object({ name: z.string(), price: z.number().nullable(), at: z.date(), kind: z.string(), on: z.boolean() }), {
  name: 'Item',
  indexed: ['price', 'at', 'name', 'on'],
})
type Row = { id: string; name: string; price: number | null; at: Date; kind: string; on: boolean }

async function world(size: number) {
  const store = instrumentStore(memoryStore())
  const items = createDatabase({ store, models: [Item], concurrency: 64 }).repository(Item)
  const r = mulberry32(size)
  const inputs = Array.from({ length: size }, () => ({
    name: `n${Math.floor(r() * 400)}`,
    price: r() < 0.05 ? null : Math.floor(r() * 300) - 20,
    at: new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 500) * 86_400_000),
    kind: r() < 0.3 ? 'a' : 'b',
    on: r() < 0.5,
  }))
  for (let i = 0; i < size; i += 1000) await items.createMany(inputs.slice(i, i + 1000))
  return { store, items }
}

/** Value descending, nulls last, ties by id descending: the exact reverse of the ascending order. */
const descending = (field: 'price' | 'at' | 'on') => (a: Row, b: Row) => {
  const va = a[field]
  const vb = b[field]
  const n = (v: unknown) => (v === null ? Number.NEGATIVE_INFINITY : v instanceof Date ? v.getTime() : Number(v))
  const byValue = n(vb) === n(va) ? 0 : n(vb) < n(va) ? -1 : 1
  return byValue !== 0 ? byValue : a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}
const ids = (rows: { id: string }[]) => rows.map((r) => r.id)

describe('orderBy(-field) over an ascending index', () => {
  it('answers exactly like an in-memory sort: limits across chunk boundaries, ranges, other conditions, dates and booleans', async () => {
    const { store, items } = await world(2_600)
    const all = (await query(items).all()) as Row[]
    const byPrice = [...all].sort(descending('price'))
    for (const n of [1, 20, 999, 1000, 1001, 2000, 2600]) {
      store.reset()
      expect(ids(await query(items).orderBy('-price').limit(n).all()), `limit ${n}`).toEqual(ids(byPrice.slice(0, n)))
      expect(store.counts().get, `limit ${n}: GETs`).toBe(n)
    }
    expect(ids(await query(items).orderBy('-price').all())).toEqual(ids(byPrice))
    const ranged = byPrice.filter((r) => r.price !== null && r.price >= 100 && r.price < 250)
    const rangedQuery = query(items).filter({ price__gte: 100, price__lt: 250 }).orderBy('-price')
    expect(rangedQuery.explain().path).toMatchObject({ kind: 'indexRange', reverse: true, lower: { value: 100 }, upper: { value: 250 } })
    expect(ids(await rangedQuery.limit(30).all())).toEqual(ids(ranged.slice(0, 30)))
    expect(ids(await rangedQuery.all())).toEqual(ids(ranged))
    const kindA = byPrice.filter((r) => r.kind === 'a')
    expect(ids(await query(items).filter({ kind: 'a' }).orderBy('-price').limit(15).all())).toEqual(ids(kindA.slice(0, 15)))
    expect(ids(await query(items).orderBy('-at').limit(25).all())).toEqual(ids([...all].sort(descending('at')).slice(0, 25)))
    expect(ids(await query(items).orderBy('-on').limit(25).all())).toEqual(ids([...all].sort(descending('on')).slice(0, 25)))
    // Strings are not read backwards (long values share truncated keys): they are sorted in memory, still right.
    expect(query(items).orderBy('-name').limit(5).explain().path).not.toMatchObject({ reverse: true })
    const byName = [...all].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    expect(ids(await query(items).orderBy('-name').limit(5).all())).toEqual(ids(byName.slice(0, 5)))
  }, 120_000)

  it('pages by cursor through the whole order, once each, also when records are written between pages', async () => {
    const { items } = await world(2_300)
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await (cursor ? query(items).orderBy('-price').after(cursor) : query(items).orderBy('-price')).limit(700).fetch()
      seen.push(...ids(page.items))
      cursor = page.nextCursor
      // Between pages: a record far below the cursor (it must appear: not yet reached) and one far above (already passed).
      if (pages++ === 0) {
        await items.create({ name: 'late-low', price: -1000, at: new Date(0), kind: 'a', on: false })
        await items.create({ name: 'late-high', price: 10_000, at: new Date(0), kind: 'a', on: false })
      }
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    // Everything once, in order, with the record written below the cursor and without the one above it.
    const now = ((await query(items).all()) as Row[]).filter((r) => r.name !== 'late-high').sort(descending('price'))
    expect(seen).toEqual(ids(now))
    expect(now.some((r) => r.name === 'late-low')).toBe(true)
    expect(pages).toBeGreaterThanOrEqual(4)
  }, 120_000)
})
