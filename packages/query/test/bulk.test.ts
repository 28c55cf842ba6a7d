import { belongsTo, createDatabase, defineModel, hasMany, instrumentStore, memoryStore, Unavailable } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

// Bulk paths (issue 20): importMany streams its input, query(...).updateMany/deleteMany stream their
// matches; each item has a single write's guarantees, and the report tells what happened to each.

const Shelf = defineModel(z.object({ name: z.string() }), {
  name: 'Shelf',
  relations: { books: hasMany('Book', { foreignKey: 'shelfId', onDelete: 'restrict' }) },
})
const Book = defineModel(z.object({ title: z.string(), shelfId: z.string().nullable() }), {
  name: 'Book',
  relations: { shelf: belongsTo('Shelf', { foreignKey: 'shelfId' }) },
})
const Item = defineModel(z.object({ sku: z.string(), price: z.number(), kind: z.string(), mark: z.string().optional() }), {
  name: 'Item',
  unique: ['sku'],
  indexed: ['price', 'kind'],
})

function setup() {
  const store = instrumentStore(memoryStore())
  const db = createDatabase({ store, models: [Item, Shelf, Book], concurrency: 8 })
  return { store, db, items: db.repository(Item), shelves: db.repository(Shelf), books: db.repository(Book) }
}

async function* generated(n: number, live: { inFlight: number; peak: number }) {
  for (let i = 0; i < n; i++) {
    live.inFlight++
    live.peak = Math.max(live.peak, live.inFlight)
    yield { sku: i === 4000 ? 'S-17' : `S-${i}`, price: i % 100, kind: `k${i % 5}` }
  }
}

describe('bulk paths', () => {
  it('importMany consumes an async iterable as it goes, reports progress and each failure by input index', async () => {
    const { items } = setup()
    const live = { inFlight: 0, peak: 0 }
    const progress: number[] = []
    const report = await items.importMany(generated(5_000, live), {
      onProgress: (p) => {
        live.inFlight--
        progress.push(p.done)
      },
    })
    expect(report).toMatchObject({ done: 5_000, succeeded: 4_999, failed: 1, skipped: 0 })
    expect(report.failures).toEqual([expect.objectContaining({ index: 4000, code: 'model.unique', outcome: 'failed' })])
    expect(progress).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1))
    expect(live.peak).toBeLessThanOrEqual(9) // concurrency 8 (+ the one being handed over)
    expect(await items.count()).toBe(4_999)
  }, 60_000)

  it('importMany reports a create whose answer was lost as unknown, and does not retry it', async () => {
    const { store, items } = setup()
    store.injectFault({
      op: 'put',
      key: /\/items\/[^/]+\.json$/,
      skip: 2,
      afterRequest: true,
      error: () => new Unavailable('put', undefined, { message: 'answer lost' }),
    })
    const report = await items.importMany(
      [0, 1, 2, 3, 4].map((i) => ({ sku: `U-${i}`, price: i, kind: 'k' })),
      { concurrency: 1 },
    )
    expect(report.failed + report.succeeded).toBe(5)
    const unknown = report.failures.filter((f) => f.outcome === 'unknown')
    expect(report.succeeded === 5 || unknown.length === 1).toBe(true) // a lost answer the re-read settles counts as done
    expect(await items.count()).toBe(5) // it landed: nothing was taken back, nothing created twice
  })

  it('updateMany updates each match once (also when the patch moves it along the index) and leaves the rest alone', async () => {
    const { items } = setup()
    await items.importMany(Array.from({ length: 600 }, (_, i) => ({ sku: `S-${i}`, price: i, kind: `k${i % 3}` })))
    const seen: number[] = []
    const report = await query(items)
      .filter({ price__lt: 300 })
      .updateMany((r) => ({ price: r.price + 1000 }), { onProgress: (p) => seen.push(p.done) })
    expect(report).toMatchObject({ done: 300, succeeded: 300, failed: 0 })
    expect(seen.at(-1)).toBe(300)
    const all = await query(items).all()
    expect(
      all
        .filter((r) => r.price >= 1000)
        .map((r) => r.price - 1000)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 300 }, (_, i) => i))
    expect(all.filter((r) => r.price < 1000).length).toBe(300)
    const k1 = await query(items).filter({ kind: 'k1' }).limit(50).updateMany({ mark: 'm' })
    expect(k1.succeeded).toBe(50)
    expect((await query(items).filter({ mark: 'm' }).all()).every((r) => r.kind === 'k1')).toBe(true)
  }, 60_000)

  it('updateMany never applies its patch to a record another client moved out of the filter meanwhile', async () => {
    const { items, db } = setup()
    await items.importMany(Array.from({ length: 200 }, (_, i) => ({ sku: `S-${i}`, price: i, kind: 'open' })))
    const other = createDatabase({ store: db.store, models: [Item, Shelf, Book] }).repository(Item)
    const theirs = new Map<string, boolean>() // id -> did the other client's committed version already carry the mark?
    const mover = (async () => {
      for (const r of await query(other).filter({ kind: 'open' }).all()) {
        if (r.price % 2 !== 0) continue
        await other.update(r.id, (cur) => {
          theirs.set(r.id, cur.mark === 'done')
          return { kind: 'closed' }
        })
      }
    })()
    const report = await query(items).filter({ kind: 'open' }).updateMany({ mark: 'done' }, { concurrency: 4 })
    await mover
    for (const r of await query(items).filter({ kind: 'closed' }).all()) {
      if (r.mark === 'done') expect(theirs.get(r.id), `${r.id} was closed, then marked`).toBe(true)
    }
    expect(report.failed).toBe(0)
    expect(report.succeeded + report.skipped).toBe(200)
    expect((await query(items).filter({ kind: 'open' }).all()).every((r) => r.mark === 'done')).toBe(true)
  }, 60_000)

  it('deleteMany deletes the matches, applies relation rules and reports what it could not delete', async () => {
    const { items, shelves, books } = setup()
    await items.importMany(Array.from({ length: 300 }, (_, i) => ({ sku: `S-${i}`, price: i, kind: `k${i % 3}` })))
    const report = await query(items).filter({ kind: 'k0' }).deleteMany()
    expect(report).toMatchObject({ done: 100, succeeded: 100, failed: 0 })
    expect(await query(items).filter({ kind: 'k0' }).count()).toBe(0)
    expect(await items.count()).toBe(200)
    const kept = await shelves.create({ name: 'kept' })
    await shelves.create({ name: 'empty' })
    await books.create({ title: 'b', shelfId: kept.id })
    const shelfReport = await query(shelves).deleteMany()
    expect(shelfReport).toMatchObject({ succeeded: 1, failed: 1 })
    expect(shelfReport.failures).toEqual([expect.objectContaining({ id: kept.id, code: 'model.restricted', outcome: 'failed' })])
    await expect(query(items).offset(3).deleteMany()).rejects.toMatchObject({ code: 'query.invalidArgument' })
  }, 60_000)
})
