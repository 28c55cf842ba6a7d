import v8 from 'node:v8'
import vm from 'node:vm'
import { createDatabase, defineModel, instrumentStore, isS3verlessError, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

// Streaming (issue 20): query(...).iterate() and repo.iterate() hand out what all() would, in the
// same order, reading a bounded window ahead; memory stays bounded at 200,000 records.

const Item = defineModel(z.object({ name: z.string(), price: z.number(), kind: z.string(), note: z.string() }), {
  name: 'Item',
  indexed: ['price', 'kind'],
  indexedDescending: ['price'],
})

async function world(size: number) {
  const store = instrumentStore(memoryStore())
  const items = createDatabase({ store, models: [Item], concurrency: 16 }).repository(Item)
  for (let i = 0; i < size; i += 1000) {
    await items.createMany(
      Array.from({ length: Math.min(1000, size - i) }, (_, j) => {
        const n = i + j
        return { name: `n${n}`, price: (n * 7919) % 503, kind: `k${n % 7}`, note: n % 3 === 0 ? 'x' : 'y' }
      }),
    )
  }
  return { store, items }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of iterable) out.push(x)
  return out
}
const ids = (rows: { id: string }[]) => rows.map((r) => r.id)

describe('iterate()', () => {
  it('hands out exactly what all() returns, in order, on every kind of access path, with offset, limit and cursors', async () => {
    const { items } = await world(2_500)
    const queries = [
      query(items),
      query(items).filter({ kind: 'k3' }),
      query(items)
        .filter({ kind__in: ['k1', 'k5'] })
        .orderBy('kind'),
      query(items).filter({ price__gte: 100, price__lt: 300 }).orderBy('price'),
      query(items).filter({ price__gte: 100 }).orderBy('-price'),
      query(items).orderBy('-price').offset(7).limit(1_234),
      query(items).filter({ note: 'x' }),
      query(items).filter({ note: 'x' }).exclude({ kind: 'k2' }).limit(500),
      query(items).orderBy('id').offset(999),
      query(items).filter({ name__startswith: 'n1' }),
    ]
    for (const q of queries) {
      const expected = ids(await q.all())
      expect(ids(await collect(q.iterate())), q.explain().description).toEqual(expected)
      expect(ids(await collect(q.iterate({ window: 7 }))), `${q.explain().description} (window 7)`).toEqual(expected)
    }
    const page = await query(items).orderBy('price').limit(100).fetch()
    const rest = ids(
      await collect(
        query(items)
          .orderBy('price')
          .after(page.nextCursor as string)
          .iterate(),
      ),
    )
    expect([...ids(page.items), ...rest]).toEqual(ids(await query(items).orderBy('price').all()))
    expect(ids(await collect(items.iterate()))).toEqual(ids(await query(items).orderBy('id').all()))
  }, 120_000)

  it('reads only a window ahead: stopping after 10 records costs 1 LIST and one window of GETs', async () => {
    const { store, items } = await world(3_000)
    store.reset()
    let n = 0
    for await (const _ of query(items).filter({ note: 'y' }).iterate({ window: 32 })) if (++n === 10) break
    expect(store.counts()).toMatchObject({ list: 1, get: 32 })
    store.reset()
    n = 0
    for await (const _ of items.iterate({ window: 16 })) if (++n === 10) break
    expect(store.counts()).toMatchObject({ list: 1, get: 16 })
  }, 60_000)

  it('honours maxScan, refuses an order no index serves, and a bad window, naming what was wrong', async () => {
    const { items } = await world(300)
    await expect(collect(query(items, { maxScan: 100 }).filter({ note: 'x' }).iterate())).rejects.toMatchObject({
      code: 'query.tooExpensive',
    })
    const unsorted = collect(query(items).orderBy('name').iterate())
    await expect(unsorted).rejects.toSatisfy(
      (e: unknown) => isS3verlessError(e, 'query.invalidArgument') && /orderBy\('name'\)/.test(e.message),
    )
    await expect(collect(items.iterate({ window: 0 }))).rejects.toMatchObject({ code: 'query.invalidArgument' })
  })

  it('iterating 200,000 records keeps heap growth under 8 MB, where all() grows by over 50 MB', async () => {
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    // No indexes: one PUT per record to set up, and the filter below is a scan (the records path).
    const Row = defineModel(z.object({ name: z.string(), price: z.number(), kind: z.string(), note: z.string() }), { name: 'Row' })
    const items = createDatabase({ store: memoryStore(), models: [Row], concurrency: 16 }).repository(Row)
    for (let i = 0; i < 200_000; i += 2000) {
      await items.createMany(
        Array.from({ length: 2000 }, (_, j) => ({ name: `n${i + j}`, price: j, kind: `k${j % 7}`, note: j % 3 ? 'y' : 'x' })),
      )
    }
    const heap = () => {
      gc()
      return process.memoryUsage().heapUsed
    }
    const growth = async (run: (sample: () => void) => Promise<number>) => {
      const base = heap()
      let peak = base
      const count = await run(() => {
        peak = Math.max(peak, heap())
      })
      return { count, mb: (peak - base) / 2 ** 20 }
    }
    const streamed = await growth(async (sample) => {
      let n = 0
      for await (const _ of query(items)
        .filter({ note__in: ['x', 'y'] })
        .iterate())
        if (++n % 25_000 === 0) sample()
      return n
    })
    const repoStreamed = await growth(async (sample) => {
      let n = 0
      for await (const _ of items.iterate()) if (++n % 25_000 === 0) sample()
      return n
    })
    const whole = await growth(async (sample) => {
      const all = await query(items)
        .filter({ note__in: ['x', 'y'] })
        .all()
      sample()
      return all.length
    })
    console.log(
      `heap growth at 200,000 records: query iterate() ${streamed.mb.toFixed(1)} MB, repo.iterate() ${repoStreamed.mb.toFixed(1)} MB, all() ${whole.mb.toFixed(1)} MB`,
    )
    expect([streamed.count, repoStreamed.count, whole.count]).toEqual([200_000, 200_000, 200_000])
    expect(streamed.mb).toBeLessThan(8)
    expect(repoStreamed.mb).toBeLessThan(8)
    expect(whole.mb).toBeGreaterThan(50)
  }, 300_000)
})
