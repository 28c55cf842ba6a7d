import {
  createDatabase,
  defineModel,
  type InstrumentedStore,
  instrumentStore,
  isS3verlessError,
  type Model,
  memoryStore,
  type ObjectStore,
} from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AddField, Custom, Migration, MigrationRunner, RenameField, type RunReport, TransformField } from '../src/index.js'
import { recordKey, storedJson } from './fixtures.js'

// Issue 17, item 11: a run killed at ~40% of its writing pass and started again must not apply a
// non-idempotent migration twice to the records the first attempt already rewrote.

const RECORDS = 200
const KILL_AFTER = 80 // record writes that land before the "crash"
const MARKER = 's3verless-data/_migrations/.in-progress.json'

/** The README's example: the old products (a title, a price in euros) and the migrations to names and cents. */
const OldProduct = defineModel(z.object({ title: z.string(), price: z.number() }), { name: 'Product' })
const Product = defineModel(z.object({ name: z.string(), price: z.number().int(), discount: z.number() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price'],
})
/** The model between the two migrations (prices still in euros). */
const Named = defineModel(z.object({ name: z.string(), price: z.number(), discount: z.number() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price'],
})
const renameAndDiscount = new Migration({
  version: '0001',
  modelName: 'Product',
  description: 'title → name, add discount',
  operations: [new RenameField('title', 'name'), new AddField('discount', 0)],
})
const priceInCents = new Migration({
  version: '0002',
  modelName: 'Product',
  description: 'price in cents',
  operations: [
    new TransformField(
      'price',
      (euros) => Math.round(Number(euros) * 100),
      (cents) => Number(cents) / 100,
    ),
  ],
})
const readmeMigrations = [renameAndDiscount, priceInCents]

async function seed(store: ObjectStore) {
  const old = createDatabase({ store, models: [OldProduct] }).repository(OldProduct)
  return old.createMany(Array.from({ length: RECORDS }, (_, i) => ({ title: `Lamp ${i}`, price: i + 0.25 })))
}

/** A memory store whose clock can be moved on (to let a crashed runner's lease and claims expire). */
function clockedStore() {
  const clock = { offset: 0 }
  return { clock, store: instrumentStore(memoryStore({ now: () => Date.now() + clock.offset })) }
}

/**
 * Lets `n` record writes through, then fails every request, as if the process died there: its
 * lease, the claims of the writes under way and the run marker stay behind. `restart()` brings the
 * store back as another process sees it once the lease has expired (the clock moves on 61 s).
 */
function killAfter(store: InstrumentedStore, clock: { offset: number }, n: number) {
  let writes = 0
  let dead = false
  const always = Number.POSITIVE_INFINITY
  const count = (k: string) => {
    if (k.startsWith('s3verless-data/products/') && ++writes > n) dead = true
    return false
  }
  const removers = [
    store.injectFault({ op: 'put', key: count, times: always }),
    store.injectFault({ key: () => dead, times: always, error: () => new Error('killed') }),
  ]
  return {
    restart() {
      for (const remove of removers) remove()
      clock.offset += 61_000
    },
  }
}

const runner = (store: ObjectStore, migrations: readonly Migration[] = readmeMigrations, holder = 'runner', model: Model = Product) =>
  new MigrationRunner(store, 'b', migrations, { models: [model], holder })

/** Runs `run` until the kill: it fails (the report, or an error such as the lease release's). */
const crashed = (run: Promise<unknown>) =>
  run.then(
    (report) => expect((report as { ok?: boolean }).ok ?? false).toBe(false),
    () => undefined,
  )

async function pricesOf(store: ObjectStore) {
  const products = createDatabase({ store, models: [Product] }).repository(Product)
  const page = await products.listByPrefix({ limit: 1000 })
  return new Map(page.items.map((p) => [p.id, p]))
}

describe('a run started again after a crash applies every migration once', () => {
  it("the README's euros-to-cents example, killed at 40% of its writing pass: the rerun rewrites only the rest, history records one application", async () => {
    const { store, clock } = clockedStore()
    const seeded = await seed(store)
    const kill = killAfter(store, clock, KILL_AFTER)
    await crashed(runner(store).runPending())
    kill.restart()
    expect((await runner(store).status()).applied).toEqual([])
    const app = createDatabase({ store, models: [Product] }).repository(Product)
    const half = await pricesOf(store)
    const migrated = seeded.filter((p) => half.get(p.id)?.price === Math.round(p.price * 100))
    expect(migrated).toHaveLength(KILL_AFTER)
    // Meanwhile the new application updates a record the crashed run had migrated (its stamp goes with it).
    await app.update(migrated[0]!.id, { discount: 5 })

    const again = await runner(store, readmeMigrations, 'restarted runner').runPending()
    expect(again.ok).toBe(true)
    expect(again.applied).toEqual(['0001', '0002'])
    const products = await pricesOf(store)
    const wrong = seeded.filter((p) => products.get(p.id)?.price !== Math.round(p.price * 100))
    expect(wrong.map((p) => [p.title, p.price, products.get(p.id)?.price])).toEqual([]) // none ×10,000
    expect(products.get(migrated[0]!.id)?.discount).toBe(5)
    const history = await runner(store).status()
    expect(history.applied.map((a) => [a.version, a.records, a.changed, a.runBy])).toEqual([
      ['0001', RECORDS, RECORDS, 'restarted runner'],
      ['0002', RECORDS, RECORDS, 'restarted runner'],
    ])
    expect(again.results[1]).toMatchObject({ records: RECORDS, changed: RECORDS - KILL_AFTER, alreadyApplied: KILL_AFTER })
    const verify = await app.verify()
    expect([verify.missingIndexEntries, verify.missingClaims, verify.duplicates]).toEqual([[], [], []])
  })

  it('the crashed run leaves its marker and stamps; the dry pass skips as the rerun will; the rerun keeps the run id and removes the marker', async () => {
    const { store, clock } = clockedStore()
    const seeded = await seed(store)
    const kill = killAfter(store, clock, KILL_AFTER)
    await crashed(runner(store).runPending())
    kill.restart()
    const marker = await storedJson(store, MARKER)
    expect(marker).toMatchObject({ kind: 'migrate', holder: 'runner', migrations: [{ version: '0001' }, { version: '0002' }] })
    const stampOf = async (id: string) => ((await storedJson(store, recordKey(id)))?._s3v as { m?: unknown } | undefined)?.m
    const stamps = await Promise.all(seeded.map((p) => stampOf(p.id)))
    expect(stamps.filter((m) => m !== undefined)).toEqual(Array(KILL_AFTER).fill({ r: marker?.run, v: ['0001', '0002'] }))

    store.reset()
    const dry = await runner(store).runPending({ dryRun: true })
    expect(store.counts().put + store.counts().delete).toBe(0)
    expect(dry.results.map((r) => [r.status, r.changed, r.alreadyApplied])).toEqual([
      ['wouldApply', RECORDS - KILL_AFTER, KILL_AFTER],
      ['wouldApply', RECORDS - KILL_AFTER, KILL_AFTER],
    ])
    await runner(store).runPending()
    const history = await runner(store).status()
    expect(history.applied.map((a) => a.run)).toEqual([marker?.run, marker?.run]) // one run, taken up again
    const after = await Promise.all(seeded.map(async (p) => JSON.stringify(await stampOf(p.id))))
    expect(new Set(after)).toEqual(new Set([JSON.stringify({ r: marker?.run, v: ['0001', '0002'] })]))
    expect(await store.get(MARKER)).toBeNull()
  })

  it('a runner that lost its lease midway and still writes, beside the runner that took over: each record transformed once', async () => {
    const clock = { offset: 0 }
    const store = instrumentStore(memoryStore({ now: () => Date.now() + clock.offset }))
    const seeded = await seed(store)
    let writes = 0
    let taker: Promise<unknown> | undefined
    // At the 80th record write the first runner stalls past its lease (the clock jumps) and a second one takes over.
    store.injectFault({
      op: 'put',
      key: (k) => {
        if (!k.startsWith('s3verless-data/products/') || ++writes !== KILL_AFTER) return false
        clock.offset += 61_000
        taker = runner(store, readmeMigrations, 'runner B').runPending()
        return false
      },
      times: Number.POSITIVE_INFINITY,
    })
    const first = await runner(store, readmeMigrations, 'runner A')
      .runPending()
      .catch((e: unknown) => e)
    const second = (await taker) as RunReport
    expect(isS3verlessError(first, 'migration.locked')).toBe(true) // A found its lease taken before recording anything
    expect(second.ok).toBe(true)
    const products = await pricesOf(store)
    expect(seeded.filter((p) => products.get(p.id)?.price !== Math.round(p.price * 100))).toEqual([])
    const history = await runner(store).status()
    expect(history.applied.map((a) => [a.version, a.runBy, a.changed])).toEqual([
      ['0001', 'runner B', RECORDS],
      ['0002', 'runner B', RECORDS],
    ])
  })

  it('a rerun whose deploy added a migration applies only what each record lacks', async () => {
    const { store, clock } = clockedStore()
    const seeded = await seed(store)
    const kill = killAfter(store, clock, KILL_AFTER)
    await crashed(runner(store).runPending())
    kill.restart()
    const shout = new Migration({
      version: '0003',
      modelName: 'Product',
      description: 'names end with a bang',
      operations: [new Custom((r) => ({ ...r, name: `${String(r.name)}!` }))],
    })
    const again = await runner(store, [...readmeMigrations, shout]).runPending()
    expect(again.applied).toEqual(['0001', '0002', '0003'])
    const products = await pricesOf(store)
    const wrong = seeded.filter((p) => {
      const now = products.get(p.id)
      return now?.price !== Math.round(p.price * 100) || now.name !== `${p.title}!`
    })
    expect(wrong).toEqual([])
  })

  it('a rollback killed midway and run again reverses every record once', async () => {
    const { store, clock } = clockedStore()
    const seeded = await seed(store)
    expect((await runner(store).runPending()).ok).toBe(true)
    const kill = killAfter(store, clock, KILL_AFTER)
    await crashed(runner(store).rollback('0002'))
    kill.restart()
    const again = await runner(store).rollback('0002')
    const stored = await Promise.all(seeded.map(async (p) => (await storedJson(store, recordKey(p.id)))?.price))
    expect(seeded.filter((p, i) => stored[i] !== p.price)).toEqual([]) // euros again, not divided twice
    expect((await runner(store).status()).pending.map((p) => p.version)).toEqual(['0002'])
    expect(again).toMatchObject({ status: 'rolledBack', changed: RECORDS - KILL_AFTER, alreadyApplied: KILL_AFTER })
  })

  it('an interrupted run must be finished before a rollback, and a rerun without a migration it applied is refused', async () => {
    const { store, clock } = clockedStore()
    await seed(store)
    expect((await runner(store, [renameAndDiscount], 'runner', Named).runPending()).applied).toEqual(['0001'])
    const kill = killAfter(store, clock, KILL_AFTER)
    await crashed(runner(store).runPending()) // 0002, killed at 40%
    kill.restart()
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isS3verlessError(error, 'migration.invalid')).toBe(true)
      return (error as Error).message
    }
    expect(await refusal(runner(store).rollback('0001'))).toMatch(
      /^A migration run \(0002 of Product\) begun by runner at \S+ was interrupted; finish it with runPending\(\) before rolling back$/,
    )
    // A deploy that no longer has 0002 has nothing pending, yet some records carry 0002: it says so.
    expect(await refusal(runner(store, [renameAndDiscount], 'runner', Named).runPending())).toMatch(
      /^A migration run \(0002 of Product\) begun by runner at \S+ was interrupted, and this runner does not have 0002, which it may have applied to some records; run it with the same migrations to finish it$/,
    )
    expect((await runner(store).runPending()).applied).toEqual(['0002'])

    // An interrupted rollback: until it is run again, the data is half rolled back, and other work is refused.
    const killRollback = killAfter(store, clock, KILL_AFTER)
    await crashed(runner(store).rollback('0002'))
    killRollback.restart()
    expect(await refusal(runner(store).runPending({ backfill: true }))).toMatch(
      /^A rollback of 0002 \(Product\) begun by runner at \S+ was interrupted; run rollback\('0002'\) again to finish it first$/,
    )
    expect((await runner(store).rollback('0002')).status).toBe('rolledBack')
  })
})
