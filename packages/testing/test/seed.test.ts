import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { belongsTo, defineModel, isS3verlessError } from '@s3verless/core'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import * as z from 'zod'
import { clearModel, defineFactory, type SeedProgress, seedModel } from '../src/index.js'
import { seedFiles, testWithDatabase } from '../src/node.js'

const Category = defineModel(z.object({ name: z.string().min(1), slug: z.string() }), {
  name: 'Category',
  plural: 'categories',
  unique: ['slug'],
})
const Item = defineModel(
  z.object({
    name: z.string(),
    price: z.number().nonnegative(),
    categoryId: z.string(),
    related: z.array(z.string()).default([]),
    note: z.string().optional(),
  }),
  { name: 'Item', relations: { category: belongsTo('Category', { foreignKey: 'categoryId', onDelete: 'restrict' }) } },
)
const test = testWithDatabase([Category, Item])

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3v-seed-'))
  await writeFile(
    join(dir, 'categories.json'),
    JSON.stringify([
      { '@key': 'garden', name: 'Garden', slug: 'garden' },
      { '@key': 'toys', name: 'Toys', slug: 'toys' },
    ]),
  )
  await writeFile(
    join(dir, 'Item.ndjson'),
    [
      '{"@key":"rake","name":"Rake","price":12.5,"categoryId":"@Category:garden"}',
      '',
      '{"name":"Kite","price":20,"categoryId":"@Category:toys","related":["@Item:rake"],"note":"@@not a reference"}',
    ].join('\n'),
  )
  await writeFile(join(dir, 'Item-bad-ref.ndjson'), '{"name":"X","price":1,"categoryId":"@Category:kitchen"}\n')
  await writeFile(join(dir, 'item.ndjson'), '{"name":"X","price":1,"categoryId":"a"}\n{"name": oops}\n')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('seeding', () => {
  test('seeds files with relations in dependency order, then a re-run creates nothing', async ({ db }) => {
    const progress: SeedProgress[] = []
    // Items first on purpose: the loader seeds Category before the file that refers to it.
    const first = await seedFiles(db, [join(dir, 'Item.ndjson'), join(dir, 'categories.json')], { onProgress: (p) => progress.push(p) })
    expect(first.map((r) => [r.model, r.created, r.existing])).toEqual([
      ['Category', 2, 0],
      ['Item', 2, 0],
    ])
    expect(progress.at(-1)).toEqual({ model: 'Item', done: 2, total: 2, created: 2, existing: 0 })
    const items = db.repository(Item)
    const rake = await items.getOrThrow(first[1]?.ids.rake as string)
    expect(rake.categoryId).toBe(first[0]?.ids.garden)
    const related = await items.loadRelated([rake], 'category')
    expect((related.get(rake.id) as { name: string }).name).toBe('Garden')
    const kite = (await items.listByPrefix()).items.find((i) => i.name === 'Kite')
    expect(kite?.related).toEqual([rake.id])
    expect(kite?.note).toBe('@not a reference')

    const again = await seedFiles(db, [join(dir, 'categories.json'), join(dir, 'Item.ndjson')])
    expect(again.map((r) => [r.model, r.created, r.existing])).toEqual([
      ['Category', 0, 2],
      ['Item', 0, 2],
    ])
    expect(await items.count()).toBe(2)
    expect(await db.repository(Category).count()).toBe(2)
  })

  test('names the file and line of a reference to nothing, of bad JSON, and of a file naming no model', async ({ db }) => {
    const refError = await seedFiles(db, [join(dir, 'categories.json'), join(dir, 'Item-bad-ref.ndjson')]).catch((e) => e)
    expect(refError.message).toMatch(/Item-bad-ref\.ndjson: the file name names no model \(expected one of Category\.json, Item\.json/)
    expect(isS3verlessError(refError, 'testing.seed')).toBe(true)
    const badRef = await seedModel(db, Item, [{ name: 'X', price: 1, categoryId: '@Category:kitchen' }]).catch((e) => e)
    expect(isS3verlessError(badRef, 'testing.seed')).toBe(true)
    expect(badRef.message).toMatch(/\(records\):1: @Category:kitchen refers to no seeded record/)
    const badJson = await seedFiles(db, [join(dir, 'item.ndjson')]).catch((e) => e)
    expect(badJson.message).toMatch(/item\.ndjson:2: not valid JSON/)
    expect(await db.repository(Item).count()).toBe(0) // parsing fails before anything is written
  })

  test('seedModel with factory records, then clearModel empties the model', async ({ db }) => {
    const garden = await seedModel(db, Category, [{ '@key': 'garden', name: 'Garden', slug: 'garden' }])
    const records = defineFactory(Item, { seed: 5 }).buildMany(30, { categoryId: garden.ids.garden as string })
    const report = await seedModel(db, Item, records)
    expect(report.created).toBe(30)
    expect((await seedModel(db, Item, records)).existing).toBe(30) // content-derived ids
    expect(await clearModel(db, Item)).toBe(30)
    expect(await db.repository(Item).count()).toBe(0)
  })
})

describe('testWithDatabase fixtures', () => {
  const s3Test = testWithDatabase([Category, Item], { store: 's3' })
  let firstDb: unknown
  s3Test('give each test a fresh database on InMemoryS3 when asked (1/2)', async ({ db, s3 }) => {
    firstDb = db
    await db.repository(Category).create({ name: 'A', slug: 'a' })
    expect(s3.requests.some((r) => r.op === 'PutObject')).toBe(true)
  })
  s3Test('give each test a fresh database on InMemoryS3 when asked (2/2)', async ({ db, s3 }) => {
    expect(db).not.toBe(firstDb)
    expect(await db.repository(Category).count()).toBe(0)
    expect(s3.requests.filter((r) => r.op === 'PutObject')).toHaveLength(0)
  })
})
