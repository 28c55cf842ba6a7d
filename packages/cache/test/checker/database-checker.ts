import { createDatabase, memoryStore, type RecordCacheMode, type Repository } from '@s3verless/core'
// The cache package has no zod of its own to define a model with: borrow core's test model.
import { Product } from '../../../core/test/repository/fixtures.js'
// The checker drives cached queries too; the query package is only borrowed by this test (it depends on us, not we on it).
import { query } from '../../../query/src/index.js'
import { type CacheBackend, repositoryCache } from '../../src/index.js'
import { slowStore } from './faulty.js'
import { type Random, random } from './random.js'

/** One database of a run: its cache backend (several databases may share one) and mode. */
export interface DatabaseSpec {
  backend: CacheBackend
  mode: RecordCacheMode
}

/** One run of the database checker. */
export interface DatabaseRun {
  seed: number
  /** The databases (one bucket, as if several processes shared it), built from the run's PRNG. */
  build: (rnd: Random) => DatabaseSpec[]
  /**
   * `'shared'`: the databases share one coherent backend, so every database must see every completed
   * write. `'own'`: each database keeps private copies (a private L1), so it must see its own
   * completed writes; another's are allowed to show up late (when its copies expire).
   */
  scope: 'shared' | 'own'
  workers?: number
  opsPerWorker?: number
}

type Kind = 'create' | 'update' | 'delete'
interface Write {
  kind: Kind
  db: number
  id: string
  ok: boolean
  /** The record's price after an update (prices only grow: each update adds 1 under compare-and-swap). */
  price?: number
  category?: string
  start: number
  end: number
}
interface Get {
  db: number
  id: string
  price: number | null
  start: number
  end: number
}
interface Count {
  db: number
  n: number
  start: number
  end: number
}

type Products = Repository<typeof Product>

/**
 * Random concurrent creates, functional updates (price + 1), deletes, gets and cached counts (of
 * category `c`) through databases whose caches have slow and/or failing tiers, over one slow
 * in-memory bucket; then a final sweep of gets and counts from every database. Returns the reads
 * that broke **read-after-write and no resurrection**: a get that began after a write completed
 * must not return an older version (or a deleted record, or nothing for a created one), and a
 * cached count must lie between the records certainly there and those possibly there while it ran.
 */
export async function checkDatabases(run: DatabaseRun): Promise<string[]> {
  const rnd = random(run.seed)
  const memory = memoryStore()
  const store = slowStore(memory, rnd, 2)
  const dbs = run
    .build(rnd)
    .map((spec) =>
      createDatabase({ store, models: [Product], cache: { backend: repositoryCache(spec.backend), mode: spec.mode } }).repository(Product),
    )
  let clock = 0
  let made = 0
  const writes: Write[] = []
  const gets: Get[] = []
  const counts: Count[] = []
  const ids: string[] = []
  const cachedCount = (products: Products) =>
    query(products, { cacheResults: { ttlSeconds: 60 } })
      .filter({ category: 'c' })
      .count()

  /** One operation chosen by `roll`, on record `chosen` or (mostly) one of the few newest, so that reads and writes of one record overlap often. */
  const step = async (db: number, products: Products, roll: number, chosen?: string) => {
    const start = ++clock
    const id = chosen ?? (ids.length === 0 ? undefined : rnd.chance(0.7) ? rnd.pick(ids.slice(-3)) : rnd.pick(ids))
    if (id === undefined || roll < 0.15) {
      const category = rnd.chance(0.6) ? 'c' : 'd'
      const created = await products.create({ name: 'P', sku: `s${++made}`, price: 0, category })
      ids.push(created.id)
      writes.push({ kind: 'create', db, id: created.id, ok: true, price: 0, category, start, end: ++clock })
    } else if (roll < 0.4) {
      const updated = await products.update(id, (p) => ({ price: p.price + 1 })).catch(() => undefined)
      writes.push({ kind: 'update', db, id, ok: updated !== undefined, ...(updated ? { price: updated.price } : {}), start, end: ++clock })
    } else if (roll < 0.5) {
      const ok = await products.delete(id).catch(() => false)
      writes.push({ kind: 'delete', db, id, ok, start, end: ++clock })
    } else if (roll < 0.85) {
      const found = await products.get(id)
      gets.push({ db, id, price: found ? found.price : null, start, end: ++clock })
    } else {
      counts.push({ db, n: await cachedCount(products), start, end: ++clock })
    }
  }
  const worker = async () => {
    for (let i = 0; i < (run.opsPerWorker ?? 30); i++) {
      await rnd.yields(2)
      const db = rnd.int(dbs.length)
      await step(db, dbs[db] as Products, rnd.next())
    }
  }
  // One create per database first, one after the other: the first also creates the index catalog,
  // which concurrent first creates of several databases would race on (not what is checked here).
  for (const [db, products] of dbs.entries()) await step(db, products, 0)
  await Promise.all(Array.from({ length: run.workers ?? 6 }, worker))
  for (const [db, products] of dbs.entries()) {
    for (const id of ids) await step(db, products, 0.6, id) // a get
    await step(db, products, 0.9) // a count
  }
  return judge(run, writes, gets, counts)
}

function judge(run: DatabaseRun, writes: Write[], gets: Get[], counts: Count[]): string[] {
  const seen = (db: number, w: Write) => run.scope === 'shared' || w.db === db
  const completedBefore = (db: number, t: number) => writes.filter((w) => w.ok && w.end < t && seen(db, w))
  const violations: string[] = []
  for (const g of gets) {
    const before = completedBefore(g.db, g.start).filter((w) => w.id === g.id)
    const deletingLater = writes.some((w) => w.id === g.id && w.kind === 'delete' && w.start < g.end)
    const where = `seed ${run.seed}: db${g.db} get t${g.start}–t${g.end}`
    if (g.price === null) {
      if (before.some((w) => w.kind === 'create') && !deletingLater) violations.push(`${where} found nothing for a created record`)
      continue
    }
    if (before.some((w) => w.kind === 'delete')) violations.push(`${where} returned a record deleted before it began`)
    const newest = Math.max(0, ...before.filter((w) => w.kind === 'update').map((w) => w.price ?? 0))
    if (g.price < newest) violations.push(`${where} returned price ${g.price} after price ${newest} was written`)
  }
  const creates = writes.filter((w) => w.kind === 'create' && w.category === 'c')
  for (const c of counts) {
    const before = completedBefore(c.db, c.start)
    const deleted = (id: string) => before.some((w) => w.kind === 'delete' && w.id === id)
    const deleting = (id: string) => writes.some((w) => w.kind === 'delete' && w.id === id && w.start < c.end)
    const certain = creates.filter((w) => before.includes(w) && !deleting(w.id)).length
    const possible = creates.filter((w) => w.start < c.end && !deleted(w.id)).length
    if (c.n < certain || c.n > possible) {
      violations.push(`seed ${run.seed}: db${c.db} cached count t${c.start}–t${c.end} gave ${c.n}, expected ${certain}..${possible}`)
    }
  }
  return violations
}
