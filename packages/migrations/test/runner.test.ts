import { createDatabase, defineModel, instrumentStore, isS3verlessError, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { AddField, Custom, Migration, type MigrationProgress, MigrationRunner, RemoveField } from '../src/index.js'
import {
  addDiscount,
  Note,
  Product,
  ProductNamed,
  ProductV1,
  ProductV2,
  productMigrations,
  recordKey,
  renameTitle,
  seedV1,
  storedJson,
} from './fixtures.js'

function setup(migrations: readonly Migration[] = productMigrations) {
  const store = instrumentStore(memoryStore(), { record: true })
  const runner = new MigrationRunner(store, 'bucket', migrations, { models: [Product], holder: 'test runner' })
  const products = createDatabase({ store, models: [Product] }).repository(Product)
  return { store, runner, products }
}

/** Keys written (put or deleted) while `fn` ran, other than the lease. */
async function writesDuring(store: ReturnType<typeof setup>['store'], fn: () => Promise<unknown>): Promise<string[]> {
  store.reset()
  await fn()
  return store
    .log()
    .filter((e) => e.op !== 'get' && e.op !== 'list' && !e.key.includes('_locks/'))
    .map((e) => e.key)
}

describe('MigrationRunner.runPending', () => {
  it('applies the pending migrations in version order, keeps claims and indexes in step, and records each one', async () => {
    const { store, runner, products } = setup()
    const seeded = await seedV1(store, 30)
    const report = await runner.runPending()
    expect(report.ok).toBe(true)
    expect(report.applied).toEqual(['0001', '0002', '0010'])
    expect(report.results.map((r) => [r.version, r.status, r.records, r.changed])).toEqual([
      ['0001', 'applied', 30, 30],
      ['0002', 'applied', 30, 30],
      ['0010', 'applied', 30, 30],
    ])
    expect(report.results[2]?.reindexed).toBe(true) // prices (indexed) changed, and name is a new unique field
    const first = seeded[3]!
    const migrated = await products.getOrThrow(first.id)
    expect({ name: migrated.name, price: migrated.price, discount: migrated.discount }).toEqual({ name: 'P3', price: 350, discount: 0 })
    expect((await storedJson(store, recordKey(first.id)))?.title).toBeUndefined()
    expect((await products.findBy('name', 'P3'))?.id).toBe(first.id)
    expect((await products.findAllBy('price', 350)).map((p) => p.id)).toEqual([first.id])
    expect(await products.findAllBy('price', 3.5)).toEqual([])
    const verify = await products.verify()
    expect([verify.missingIndexEntries, verify.danglingIndexEntries, verify.missingClaims, verify.corrupt]).toEqual([[], [], [], []])
    const entry = await storedJson(store, 's3verless-data/_migrations/0002.json')
    expect(entry).toMatchObject({ version: '0002', modelName: 'Product', description: 'Add discount field', records: 30, changed: 30 })
    expect(entry?.runBy).toBe('test runner')
  })

  it('is idempotent: a second run does nothing and writes nothing', async () => {
    const { store, runner } = setup()
    await seedV1(store, 10)
    const first = await writesDuring(store, () => runner.runPending())
    expect(first.filter((k) => k.startsWith('s3verless-data/products/'))).toHaveLength(10)
    // Three history entries, and the run's in-progress marker: written before the first record, removed at the end.
    expect(first.filter((k) => k.includes('/_migrations/'))).toEqual([
      's3verless-data/_migrations/.in-progress.json',
      's3verless-data/_migrations/0001.json',
      's3verless-data/_migrations/0002.json',
      's3verless-data/_migrations/0010.json',
      's3verless-data/_migrations/.in-progress.json',
    ])
    expect(await store.get('s3verless-data/_migrations/.in-progress.json')).toBeNull()
    store.reset()
    const second = await runner.runPending()
    expect(store.log().filter((e) => e.op !== 'get' && e.op !== 'list')).toEqual([]) // not even the lease
    expect(second).toMatchObject({ ok: true, results: [], applied: [] })
  })

  it('runs only what is pending, and a migration that finds records already in its shape rewrites none of them', async () => {
    const { store } = setup()
    await seedV1(store, 5)
    // A deploy with only 0001 (its model has `name`), then one with all of them.
    expect((await new MigrationRunner(store, 'b', [renameTitle], { models: [ProductNamed] }).runPending()).applied).toEqual(['0001'])
    const later = new MigrationRunner(store, 'bucket', [...productMigrations], { models: [Product] })
    const report = await later.runPending()
    expect(report.results.map((r) => r.version)).toEqual(['0002', '0010'])
    const rerun = new Migration({ version: '0011', modelName: 'Product', operations: [new AddField('discount', 5)] })
    const again = await new MigrationRunner(store, 'bucket', [...productMigrations, rerun], { models: [Product] }).runPending()
    expect(again.results[0]).toMatchObject({ version: '0011', status: 'applied', records: 5, changed: 0 })
  })

  it('runs each model in one pass, models in the order of their first pending migration', async () => {
    const { store } = setup()
    const order: string[] = []
    const step = (version: string, modelName: string) =>
      new Migration({
        version,
        modelName,
        operations: [
          new Custom((r) => {
            order.push(`${version}:${modelName}`)
            return r
          }),
        ],
      })
    await seedV1(store, 1)
    await createDatabase({ store, models: [Note] })
      .repository(Note)
      .create({ text: 'hi' })
    const migrations = [step('0005', 'Note'), step('0003', 'Product'), step('0004', 'Note'), ...productMigrations]
    const runner = new MigrationRunner(store, 'b', migrations, { models: [Product, Note] })
    const report = await runner.runPending({ precheck: false })
    expect(report.applied).toEqual(['0001', '0002', '0003', '0004', '0005', '0010'])
    expect(order).toEqual(['0003:Product', '0004:Note', '0005:Note'])
    expect((await runner.status()).applied.map((a) => a.version)).toEqual(['0001', '0002', '0003', '0004', '0005', '0010'])
  })

  it('fails a run with a migration naming an unknown model before reading any record', async () => {
    const { store } = setup()
    await seedV1(store, 1)
    const other = new Migration({ version: '0005', modelName: 'Other', apply: (r) => r })
    const runner = new MigrationRunner(store, 'b', [...productMigrations, other], { models: [Product] })
    store.reset()
    const report = await runner.runPending()
    expect(report.results.map((r) => [r.version, r.status])).toEqual([
      ['0001', 'notRun'],
      ['0002', 'notRun'],
      ['0005', 'failed'],
      ['0010', 'notRun'],
    ])
    expect(report.results[2]?.error).toBe('Unknown model "Other" (the runner was given: Product); not recorded as applied')
    expect(store.log().filter((e) => e.key.includes('/products/'))).toEqual([])
  })

  it('reports the records a migration fails on, records nothing, writes nothing, and runs no later migration', async () => {
    const { store, runner: _ } = setup()
    const seeded = await seedV1(store, 20)
    const picky = new Migration({
      version: '0003',
      modelName: 'Product',
      operations: [
        new Custom((r) => {
          if (r.name === 'P7' || r.name === 'P12') throw new Error(`cannot handle ${r.name}`)
          return r
        }),
      ],
    })
    const later = new Migration({ version: '0004', modelName: 'Note', apply: (r) => ({ ...r, text: 'changed' }) })
    await createDatabase({ store, models: [Note] })
      .repository(Note)
      .create({ text: 'hi' })
    const runner = new MigrationRunner(store, 'b', [...productMigrations, picky, later], { models: [Product, Note] })
    let report: Awaited<ReturnType<MigrationRunner['runPending']>> | undefined
    const writes = await writesDuring(store, async () => (report = await runner.runPending()))
    expect(writes).toEqual([])
    expect(report?.ok).toBe(false)
    expect(report?.results.map((r) => [r.version, r.status])).toEqual([
      ['0001', 'failed'],
      ['0002', 'failed'],
      ['0003', 'failed'],
      ['0004', 'notRun'],
      ['0010', 'failed'],
    ])
    const failed = report?.results[2]
    expect(failed?.error).toBe('failed on 2 record(s) of Product; nothing was written')
    expect(failed?.failures.map((f) => f.id).sort()).toEqual([seeded[7]!.id, seeded[12]!.id].sort())
    expect(failed?.failures[0]?.error).toMatch(/^Migration 0003 \(Product\) failed: cannot handle P(7|12)$/)
    expect(report?.results[0]?.error).toBe('not recorded: it runs together with 0003 of Product, which failed')
    expect((await runner.status()).applied).toEqual([])
  })

  it('fails a record whose migrated form does not pass the schema, naming its id', async () => {
    const { store } = setup()
    const [ok, bad] = await seedV1(store, 2)
    await store.put(recordKey(bad!.id), JSON.stringify({ ...(await storedJson(store, recordKey(bad!.id))), title: '' }))
    const runner = new MigrationRunner(store, 'b', productMigrations, { models: [Product] })
    const report = await runner.runPending()
    const failure = report.results.at(-1)?.failures[0]
    expect(failure).toMatchObject({ id: bad!.id, code: 'model.validation' })
    expect(failure?.error).toContain('Invalid Product: name:')
    expect((await storedJson(store, recordKey(ok!.id)))?.title).toBe('P0') // checked first: nothing written
  })

  it('dry run: transforms and checks every record, reports what would change, writes nothing', async () => {
    const { store, runner } = setup()
    await seedV1(store, 12)
    let report: Awaited<ReturnType<MigrationRunner['runPending']>> | undefined
    const writes = await writesDuring(store, async () => (report = await runner.runPending({ dryRun: true })))
    expect(writes).toEqual([])
    expect(store.log().some((e) => e.key.includes('_locks/'))).toBe(false) // no lease either
    expect(report?.results.map((r) => [r.status, r.records, r.changed])).toEqual([
      ['wouldApply', 12, 12],
      ['wouldApply', 12, 12],
      ['wouldApply', 12, 12],
    ])
    expect((await runner.status()).pending).toHaveLength(3)
  })

  it('reports progress (done of total) as records are processed: a dry check first, then the writes', async () => {
    const { store } = setup()
    await seedV1(store, 250)
    const seen: MigrationProgress[] = []
    const runner = new MigrationRunner(store, 'b', productMigrations, { models: [Product], pageSize: 100, onProgress: (p) => seen.push(p) })
    await runner.runPending()
    const phases = [...new Set(seen.map((p) => p.phase))]
    expect(phases).toEqual(['check', 'migrate'])
    const writes = seen.filter((p) => p.phase === 'migrate')
    expect(writes.map((p) => p.done)).toEqual(Array.from({ length: 251 }, (_, i) => i))
    expect(writes.every((p) => p.total === 250 && p.modelName === 'Product')).toBe(true)
    expect(writes[0]?.versions).toEqual(['0001', '0002', '0010'])
  })
})

describe('MigrationRunner.status', () => {
  it('lists applied migrations (with dates and counts) and pending ones, in version order', async () => {
    const { store } = setup()
    await seedV1(store, 4)
    const before = Date.now()
    await new MigrationRunner(store, 'b', [renameTitle, addDiscount], { models: [ProductV2] }).runPending()
    const status = await new MigrationRunner(store, 'b', productMigrations, { models: [Product] }).status()
    expect(status.applied.map((a) => [a.version, a.records, a.changed, a.known])).toEqual([
      ['0001', 4, 4, true],
      ['0002', 4, 4, true],
    ])
    expect(status.applied[0]!.appliedAt.getTime()).toBeGreaterThanOrEqual(before)
    expect(status.pending).toEqual([{ version: '0010', modelName: 'Product', description: 'price in cents' }])
    const forgetful = await new MigrationRunner(store, 'b', [addDiscount], { models: [Product] }).status()
    expect(forgetful.applied.map((a) => [a.version, a.known])).toEqual([
      ['0001', false],
      ['0002', true],
    ])
  })
})

describe('MigrationRunner.rollback', () => {
  it('reverses a migration on every record (operations in reverse order) and removes it from the history', async () => {
    const { store, runner } = setup()
    const [pen] = await seedV1(store, 3)
    await runner.runPending()
    const result = await runner.rollback('0010')
    expect(result).toMatchObject({ version: '0010', status: 'rolledBack', records: 3, changed: 3, reindexed: true })
    // The records are back in the shape of ProductV2 (prices in euros), found by their index entries.
    const v2 = createDatabase({ store, models: [ProductV2] }).repository(ProductV2)
    expect((await v2.getOrThrow(pen!.id)).price).toBe(0.5)
    expect((await v2.findAllBy('price', 0.5)).map((p) => p.id)).toEqual([pen!.id])
    expect((await runner.status()).pending.map((p) => p.version)).toEqual(['0010'])
    await runner.rollback('0002')
    await runner.rollback('0001')
    const old = createDatabase({ store, models: [ProductV1] }).repository(ProductV1)
    expect(await old.getOrThrow(pen!.id)).toMatchObject({ title: 'P0', price: 0.5 })
    expect(await storedJson(store, recordKey(pen!.id))).not.toHaveProperty('discount')
    expect((await runner.status()).applied).toEqual([])
  })

  it('refuses, before anything changes, a migration that is not reversible, not applied, unknown, or not the latest of its model', async () => {
    const { store } = setup()
    await seedV1(store, 2)
    const dropPrice = new Migration({ version: '0020', modelName: 'Product', operations: [new RemoveField('legacy')] })
    const runner = new MigrationRunner(store, 'b', [...productMigrations, dropPrice], { models: [Product] })
    expect((await runner.runPending()).ok).toBe(true)
    const refusal = async (version: string) => {
      let error: unknown
      const writes = await writesDuring(store, () => runner.rollback(version).catch((e) => (error = e)))
      expect(writes).toEqual([])
      expect(isS3verlessError(error, 'migration.invalid')).toBe(true)
      return (error as Error).message
    }
    expect(await refusal('0020')).toBe('Migration 0020 (Product) is not reversible; nothing was changed')
    expect(store.log().filter((e) => e.key.includes('_locks/'))).toEqual([]) // refused before taking the lease
    expect(await refusal('0002')).toBe('Roll back 0010, 0020 first: later migrations of Product are applied')
    expect(await refusal('9999')).toBe('No migration has version "9999"')
    const fresh = new MigrationRunner(memoryStore(), 'b', productMigrations, { models: [Product] })
    expect(await fresh.rollback('0001').catch((e) => e.message)).toBe('Migration 0001 is not applied; nothing to roll back')
  })
})

describe('request budget', () => {
  it('costs 2 GETs and 1 PUT per rewritten record (a dry check, the page, the compare-and-swap on the version read), 2 GETs per record left alone', async () => {
    const Plain = defineModel(z.object({ text: z.string(), n: z.number().optional() }), { name: 'Plain' })
    const store = instrumentStore(memoryStore(), { record: true })
    const plain = createDatabase({ store, models: [Plain] }).repository(Plain)
    await plain.createMany(Array.from({ length: 100 }, (_, i) => ({ text: `t${i}` })))
    const add = new Migration({ version: '1', modelName: 'Plain', operations: [new AddField('n', 1)] })
    const same = new Migration({ version: '2', modelName: 'Plain', operations: [new AddField('n', 2)] })
    const onRecords = async (version: Migration) => {
      store.reset()
      await new MigrationRunner(
        store,
        'b',
        [add, same].filter((m) => m.version <= version.version),
        { models: [Plain] },
      ).runPending()
      const ops = store.log().filter((e) => e.key.startsWith('s3verless-data/plains/'))
      return { get: ops.filter((e) => e.op === 'get').length, put: ops.filter((e) => e.op === 'put').length }
    }
    expect(await onRecords(add)).toEqual({ get: 200, put: 100 })
    expect(await onRecords(same)).toEqual({ get: 200, put: 0 })
  })
})
