/**
 * Query benchmark: our planner against the original's strategy (list every record, fetch every
 * record, filter in memory), on collections of N records in a memory store with an injected
 * per-request latency. Both run in the same process, side by side, with the same concurrency.
 */
import {
  createDatabase,
  defineModel,
  type InstrumentedStore,
  instrumentStore,
  listAll,
  memoryStore,
  type Repository,
} from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'
import { matches, parseFilter, query } from '@s3verless/query'
import * as z from 'zod'

export const Product = defineModel(z.object({ name: z.string(), category: z.string(), price: z.number() }), {
  name: 'Product',
  indexed: ['category', 'price'],
  indexedDescending: ['createdAt'],
})
type Repo = Repository<typeof Product>

/** One benchmarked query: how our planner runs it, and the filter/order/limit the baseline applies. */
export interface BenchQuery {
  label: string
  run: (repo: Repo) => Promise<unknown[]>
  filter: Record<string, unknown>
  order?: { field: 'price' | 'createdAt'; descending: boolean }
  limit?: number
}

export const QUERIES: BenchQuery[] = [
  { label: 'indexed equality (20 hits)', run: (r) => query(r).filter({ category: 'rare' }).all(), filter: { category: 'rare' } },
  {
    label: 'indexed range, limit 10',
    run: (r) => query(r).filter({ price__gte: 500 }).limit(10).all(),
    filter: { price__gte: 500 },
    order: { field: 'price', descending: false },
    limit: 10,
  },
  {
    label: "orderBy('-createdAt').limit(20)",
    run: (r) => query(r).orderBy('-createdAt').limit(20).all(),
    filter: {},
    order: { field: 'createdAt', descending: true },
    limit: 20,
  },
  {
    label: 'first page of 20',
    run: (r) => query(r).limit(20).all(),
    filter: {},
    order: { field: 'createdAt', descending: false },
    limit: 20,
  },
  {
    label: 'count, index-covered (20)',
    run: async (r) => [await query(r).filter({ category: 'rare' }).count()],
    filter: { category: 'rare' },
  },
]

/** N products: 20 in category "rare", prices 0…N−1. Loaded without latency. */
export async function load(size: number): Promise<{ store: InstrumentedStore; repo: Repo }> {
  const store = instrumentStore(memoryStore())
  const repo = createDatabase({ store, models: [Product], concurrency: 16 }).repository(Product)
  for (let i = 0; i < size; i += 2000) {
    await repo.createMany(
      Array.from({ length: Math.min(2000, size - i) }, (_, j) => {
        const n = i + j
        return { name: `p${n}`, category: n % 50 === 7 && n < 1000 ? 'rare' : `c${n % 49}`, price: n }
      }),
    )
  }
  return { store, repo }
}

/** The original's strategy, first half: LIST every record key and GET every record (16 at a time). */
export async function fetchEverything(store: InstrumentedStore): Promise<Record<string, unknown>[]> {
  const keys: string[] = []
  for await (const object of listAll(store, `${Product.getS3Prefix()}`)) keys.push(object.key)
  const records = await mapLimit(keys, 16, async (key) => {
    const object = await store.get(key)
    const record = JSON.parse(new TextDecoder().decode(object?.body)) as Record<string, unknown>
    record.createdAt = new Date(record.createdAt as string)
    return record
  })
  return records
}

/** The original's strategy, second half: filter, sort and cut in memory. */
export function filterInMemory(records: Record<string, unknown>[], q: BenchQuery): unknown[] {
  let hits = records.filter((r) => matches(r, parseFilter(q.filter)))
  if (q.order) {
    const { field, descending } = q.order
    hits = hits.sort((a, b) => ((a[field] as number) < (b[field] as number) ? -1 : 1) * (descending ? -1 : 1))
  }
  return q.limit ? hits.slice(0, q.limit) : hits
}

/** Runs `work` with latency on, returning requests made and wall time. */
export async function timed(store: InstrumentedStore, latencyMs: number, work: () => Promise<unknown[]>) {
  store.reset()
  store.setLatency(latencyMs)
  const t0 = performance.now()
  const result = await work()
  const ms = performance.now() - t0
  store.setLatency(0)
  return { requests: store.counts().total, ms, result }
}
