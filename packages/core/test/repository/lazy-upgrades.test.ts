import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createDatabase, defineModel, fromUtf8, isS3verlessError, memoryStore } from '../../src/index.js'
import { mapCache } from './cache-fixtures.js'

const shape = { name: z.string(), price: z.number() }
/** Version 1: `{ title, cents }`; version 2 renames title → name; version 3 turns cents into a price. */
const NoteV1 = defineModel(z.object({ title: z.string(), cents: z.number() }), { name: 'Item', unique: ['title'] })
const upgrades = {
  2: ({ title, ...r }: Record<string, unknown>) => ({ ...r, name: title }),
  3: ({ cents, ...r }: Record<string, unknown>) => ({ ...r, price: Number(cents) / 100 }),
}
const Item = defineModel(z.object(shape), { name: 'Item', unique: ['name'], version: 3, upgrades })

const stored = async (store: ReturnType<typeof memoryStore>, id: string) =>
  JSON.parse(fromUtf8((await store.get(`s3verless-data/items/${id}.json`))!.body)) as Record<string, unknown>

describe('lazy read-time upgrades', () => {
  it('upgrades a record stored at an older version when read, and saves it at the new version on its next write', async () => {
    const store = memoryStore()
    const old = await createDatabase({ store, models: [NoteV1] })
      .repository(NoteV1)
      .create({ title: 'Pen', cents: 250 })
    expect((await stored(store, old.id))._s3v).not.toHaveProperty('v') // version 1 is not written

    const items = createDatabase({ store, models: [Item] }).repository(Item)
    const read = await items.getOrThrow(old.id)
    expect({ name: read.name, price: read.price }).toEqual({ name: 'Pen', price: 2.5 })
    expect(await stored(store, old.id)).toHaveProperty('title', 'Pen') // reading writes nothing

    // The upgrade gives the record a value of a new unique field: a write claims it, once the
    // constraint is built for the stored data (before, writes that need it fail with indexNotReady).
    expect((await items.update(old.id, { price: 3 }).catch((e) => e)).code).toBe('model.indexNotReady')
    await items.reindex()
    await items.update(old.id, { price: 3 })
    expect((await items.findBy('name', 'Pen'))?.id).toBe(old.id)
    const body = await stored(store, old.id)
    expect(body).toMatchObject({ name: 'Pen', price: 3, _s3v: { v: 3 } })
    expect(body).not.toHaveProperty('title')
    expect(body).not.toHaveProperty('cents')
    expect((await items.getOrThrow(old.id)).price).toBe(3) // read again: no second upgrade
  })

  it('runs only the steps after the stored version, and none for a record written at the current one', async () => {
    const store = memoryStore()
    const calls: number[] = []
    const step = (to: 2 | 3) => (r: Record<string, unknown>) => {
      calls.push(to)
      return upgrades[to](r)
    }
    const counting = defineModel(z.object(shape), {
      name: 'Item',
      version: 3,
      upgrades: {
        2: step(2),
        3: step(3),
      },
    })
    const items = createDatabase({ store, models: [counting] }).repository(counting)
    const fresh = await items.create({ name: 'Cup', price: 4 })
    await items.get(fresh.id)
    expect(calls).toEqual([])
    const atTwo = await items.create({ name: 'x', price: 0 })
    const key = `s3verless-data/items/${atTwo.id}.json`
    const body = await stored(store, atTwo.id)
    await store.put(key, JSON.stringify({ ...body, name: 'Mug', price: undefined, cents: 120, _s3v: { v: 2 } }))
    expect((await items.getOrThrow(atTwo.id)).price).toBe(1.2)
    expect(calls).toEqual([3])
  })

  it('keeps unique claims in step when an upgraded record is saved', async () => {
    const store = memoryStore()
    const old = await createDatabase({ store, models: [NoteV1] })
      .repository(NoteV1)
      .create({ title: 'Pen', cents: 250 })
    const db = createDatabase({ store, models: [Item] })
    const items = db.repository(Item)
    await items.reindex() // the unique constraint on name is new: build it for the stored data
    await items.update(old.id, (cur) => ({ price: cur.price + 1 }))
    expect((await items.findBy('name', 'Pen'))?.id).toBe(old.id)
    const dup = await items.create({ name: 'Pen', price: 1 }).catch((e) => e)
    expect(isS3verlessError(dup, 'model.unique')).toBe(true)
  })

  it("a record cache holds the saved version's body, so a cached read is not upgraded twice", async () => {
    const store = memoryStore()
    const old = await createDatabase({ store, models: [NoteV1] })
      .repository(NoteV1)
      .create({ title: 'Pen', cents: 250 })
    const cache = mapCache()
    const db = createDatabase({ store, models: [Item], cache: { backend: cache, mode: 'ttl', ttlSeconds: 60 } })
    const items = db.repository(Item)
    await items.reindex() // the unique constraint on name is new: build it for the stored data
    await items.update(old.id, { price: 7 })
    expect((await items.getOrThrow(old.id)).price).toBe(7)
    expect(db.cacheStats().hits).toBeGreaterThan(0)
  })

  it('names the record and the step when an upgrade fails, and refuses bad definitions', async () => {
    const store = memoryStore()
    const old = await createDatabase({ store, models: [NoteV1] })
      .repository(NoteV1)
      .create({ title: 'Pen', cents: 250 })
    const Broken = defineModel(z.object(shape), {
      name: 'Item',
      version: 2,
      upgrades: {
        2: () => {
          throw new Error('no title')
        },
      },
    })
    const error = await createDatabase({ store, models: [Broken] })
      .repository(Broken)
      .get(old.id)
      .catch((e) => e)
    expect(isS3verlessError(error, 'model.corrupt')).toBe(true)
    expect(error.message).toContain(`${old.id}.json is unreadable: could not be upgraded to version 2: no title`)
    expect(() => defineModel(z.object(shape), { name: 'Item', version: 0 })).toThrow('version must be a positive integer')
    expect(() => defineModel(z.object(shape), { name: 'Item', version: 2, upgrades: { 3: (r) => r } })).toThrow(
      'upgrades has a step to version 3; steps go to versions 2 to 2',
    )
  })
})
