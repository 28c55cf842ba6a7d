import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Custom, Migration, MigrationRunner, type RunOptions } from '../src/index.js'

// Issue 17, item 8: the dry pass checks the unique values a migration would leave, so a collision
// fails the run before any record is written; a chain of values moving along is written in order.

const Item = defineModel(z.object({ code: z.string(), label: z.string() }), { name: 'Item', unique: ['code'] })

/** A migration mapping codes through `table` (codes not in it stay). */
const recode = (table: Record<string, string>) =>
  new Migration({
    version: '0001',
    modelName: 'Item',
    description: 'recode',
    operations: [new Custom((r) => ({ ...r, code: table[String(r.code)] ?? r.code }))],
  })

/** Items with these codes, created in this order (so listed in it), and a runner writing one record at a time. */
async function setup(codes: string[], table: Record<string, string>) {
  const store = instrumentStore(memoryStore(), { record: true })
  const items = createDatabase({ store, models: [Item] }).repository(Item)
  const made: Record<string, string> = {}
  for (const code of codes) made[code] = (await items.create({ code, label: `was ${code}` })).id
  const runner = new MigrationRunner(store, 'b', [recode(table)], { models: [Item], concurrency: 1 })
  const run = async (options: RunOptions = {}) => {
    store.reset()
    const report = await runner.runPending(options)
    const writes = store.log().filter((e) => e.op !== 'get' && e.op !== 'list' && e.key.includes('/items/'))
    return { report, writes }
  }
  return { store, items, made, run }
}

describe('the dry pass checks unique values before anything is written', () => {
  it('two records whose new values collide: the run fails naming both and the value, and nothing is written', async () => {
    const { made, run } = await setup(['a-1', 'a-2', 'b'], { 'a-1': 'a', 'a-2': 'a' })
    const { report, writes } = await run()
    expect(writes).toEqual([])
    const result = report.results[0]
    expect(result).toMatchObject({ status: 'failed', failureCount: 2, error: 'failed on 2 record(s) of Item; nothing was written' })
    const ids = [made['a-1'], made['a-2']].join(', ')
    expect(result?.failures).toEqual([
      { id: made['a-1'], code: 'model.unique', error: `Item ${made['a-1']}: code = "a" would be held by 2 records afterwards (${ids})` },
      { id: made['a-2'], code: 'model.unique', error: `Item ${made['a-2']}: code = "a" would be held by 2 records afterwards (${ids})` },
    ])
  })

  it('a new value that a record left as it is already holds: fails before writing, naming the holder', async () => {
    const { made, run } = await setup(['a-1', 'a', 'c'], { 'a-1': 'a' })
    const { report, writes } = await run()
    expect(writes).toEqual([])
    expect(report.results[0]?.failures).toEqual([
      {
        id: made['a-1'],
        code: 'model.unique',
        error: `Item ${made['a-1']}: code = "a" would be held by 2 records afterwards (${made['a-1']}, ${made.a}; ${made.a} already holds it)`,
      },
    ])
  })

  it('two records swapping values (a → b, b → a) cannot be written one at a time: fails before writing', async () => {
    const { made, run, items } = await setup(['a', 'b', 'c'], { a: 'b', b: 'a' })
    const { report, writes } = await run()
    expect(writes).toEqual([])
    const failures = report.results[0]?.failures ?? []
    expect(failures.map((f) => f.id).sort()).toEqual([made.a, made.b].sort())
    expect(failures[0]?.error).toMatch(
      /would take code = "(a|b)" from .*wait on each other's values in a cycle .*cannot be rewritten one record at a time/,
    )
    expect((await items.findBy('code', 'a'))?.id).toBe(made.a)
  })

  it('the dry run reports the same failures', async () => {
    const { run } = await setup(['a-1', 'a-2'], { 'a-1': 'a', 'a-2': 'a' })
    const { report } = await run({ dryRun: true })
    expect(report.results[0]).toMatchObject({ status: 'failed', failureCount: 2 })
  })
})

describe('values moving along a chain are written in an order that works', () => {
  for (const precheck of [true, false]) {
    it(`a → b while b → c (the record taking b is written first and waits for b to be given up)${precheck ? '' : ', without the dry pass'}`, async () => {
      const { made, run, items } = await setup(['a', 'b', 'x'], { a: 'b', b: 'c', x: 'a' })
      const { report } = await run({ precheck })
      expect(report.ok).toBe(true)
      expect(report.results[0]).toMatchObject({ status: 'applied', records: 3, changed: 3, failureCount: 0 })
      expect((await items.findBy('code', 'b'))?.label).toBe('was a')
      expect((await items.findBy('code', 'c'))?.label).toBe('was b')
      expect((await items.findBy('code', 'a'))?.label).toBe('was x')
      expect((await items.getOrThrow(made.x as string)).code).toBe('a')
      const verify = await items.verify()
      expect([verify.missingClaims, verify.duplicates]).toEqual([[], []])
    })
  }
})
