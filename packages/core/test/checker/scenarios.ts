import { isS3verlessError } from '../../src/index.js'
import type { Scenario } from './single-fault.js'
import { legacyProducts } from './world.js'

// The write kinds of the single-fault sweep, each with what every reported outcome must leave behind.

const CHOSEN = '01890a5d-ac96-774b-bcce-b302099a8059'
const product = (name: string, sku: string, category = 'X') => ({ name, sku, category, price: 1 })

/** Whether a new record can take `sku` now (it is free); the probe is deleted again. */
async function takeable(c: Parameters<Scenario['check']>[0], sku: string): Promise<boolean> {
  const probe = await c.products.create(product('probe', sku)).catch((e: unknown) => e)
  if (isS3verlessError(probe)) return false
  await c.products.delete((probe as { id: string }).id)
  return true
}

const named = async (c: Parameters<Scenario['check']>[0], name: string) =>
  (await c.products.listByPrefix({ limit: 1000 })).items.filter((p) => p.name === name)

export const SCENARIOS: Scenario[] = [
  {
    name: 'create',
    async prepare(c) {
      await c.products.indexStatus()
      return () => c.products.create(product('new', 'N'))
    },
    async check(c, outcome) {
      const found = await named(c, 'new')
      if (found.length > 1) return ['created twice']
      if (outcome === 'ok' && found.length !== 1) return ['acknowledged, but missing']
      if (outcome === 'failed' && found.length !== 0) return ['reported failed, but stored']
      if (outcome === 'failed' && !(await takeable(c, 'N'))) return ['reported failed, but its unique value is held']
      return []
    },
  },
  {
    name: 'create with a caller-chosen id, deleted before',
    async prepare(c) {
      await c.products.create({ ...product('first', 'F'), id: CHOSEN })
      await c.products.delete(CHOSEN)
      return () => c.products.create({ ...product('again', 'G'), id: CHOSEN })
    },
    async check(c, outcome) {
      const now = await c.products.get(CHOSEN)
      if (outcome === 'ok' && now?.name !== 'again') return [`acknowledged, but reads ${now?.name ?? 'null'}`]
      if (outcome === 'failed' && now !== null) return ['reported failed, but stored']
      if (now !== null && now.name !== 'again') return [`reads ${now.name}`]
      return []
    },
  },
  {
    name: 'update of a unique and an indexed value',
    async prepare(c) {
      const p = await c.products.create(product('before', 'U1', 'X'))
      return () => c.products.update(p.id, { name: 'after', sku: 'U2', category: 'Y' })
    },
    async check(c, outcome) {
      const [p] = (await c.products.listByPrefix()).items
      const state = `${p?.name}/${p?.sku}/${p?.category}`
      const after = state === 'after/U2/Y'
      if (!after && state !== 'before/U1/X') return [`half-written: ${state}`]
      if (outcome === 'ok' && !after) return ['acknowledged, but not stored']
      if (outcome === 'failed' && after) return ['reported failed, but stored']
      if (!(await takeable(c, after ? 'U1' : 'U2'))) return [`the value it does not hold is not free (${state})`]
      return []
    },
  },
  {
    name: 'increment (update with a function)',
    async prepare(c) {
      const p = await c.products.create(product('counter', 'K'))
      return () => c.products.update(p.id, (cur) => ({ stock: cur.stock + 1 }))
    },
    async check(c, outcome) {
      const [p] = (await c.products.listByPrefix()).items
      const stock = p?.stock
      if (stock !== 0 && stock !== 1) return [`stock ${stock}`]
      if (outcome === 'ok' && stock !== 1) return ['acknowledged, but not applied']
      if (outcome === 'failed' && stock !== 0) return ['reported failed, but applied']
      return []
    },
  },
  {
    name: 'replace under ifMatch',
    async prepare(c) {
      const p = await c.products.create(product('before', 'R1'))
      return async () => {
        const current = await c.products.getOrThrow(p.id)
        await c.products.replace(p.id, { ...product('replaced', 'R2', 'Y'), stock: current.stock }, { ifMatch: current.$etag })
      }
    },
    async check(c, outcome) {
      const [p] = (await c.products.listByPrefix()).items
      const replaced = p?.name === 'replaced' && p.sku === 'R2' && p.category === 'Y'
      if (!replaced && !(p?.name === 'before' && p.sku === 'R1')) return [`half-written: ${p?.name}/${p?.sku}`]
      if (outcome === 'ok' && !replaced) return ['acknowledged, but not stored']
      if (outcome === 'failed' && replaced) return ['reported failed, but stored']
      return []
    },
  },
  {
    name: 'ordinary write of a record stored by version 1 (lazy upgrade)',
    async prepare(c) {
      const old = await legacyProducts(c.store, { leaseMs: 40 }).create(product('legacy', 'l', 'x'))
      return () => c.products.update(old.id, { name: 'touched' })
    },
    async check(c, outcome) {
      const [p] = (await c.products.listByPrefix()).items
      if (!p) return ['the record is gone']
      const touched = p.name === 'touched'
      if (outcome === 'ok' && !touched) return ['acknowledged, but not stored']
      if (outcome === 'failed' && touched) return ['reported failed, but stored']
      if (touched && (await c.products.findBy('sku', 'L*'))?.id !== p.id) return ['rewritten, but not found by its upgraded value']
      if (touched && (await c.products.findAllBy('category', 'X')).length !== 1)
        return ['rewritten, but not found by its upgraded category']
      return []
    },
  },
  {
    name: 'delete',
    async prepare(c) {
      const p = await c.products.create(product('doomed', 'D'))
      return () => c.products.delete(p.id)
    },
    async check(c, outcome) {
      const left = await named(c, 'doomed')
      if (outcome === 'ok' && left.length > 0) return ['acknowledged, but still there']
      if (outcome === 'failed' && left.length === 0) return ['reported failed, but deleted']
      if (left.length === 0 && !(await takeable(c, 'D'))) return ['deleted, but its unique value is held']
      return []
    },
  },
  {
    name: 'delete with cascade and setNull',
    async prepare(c) {
      const shelf = await c.shelves.create({ name: 'S' })
      await c.books.create({ title: 'B', shelfId: shelf.id })
      await c.notes.create({ text: 'N', shelfId: shelf.id })
      await c.reviews.indexStatus()
      return () => c.shelves.delete(shelf.id)
    },
    async check(c, outcome) {
      const [shelf] = (await c.shelves.listByPrefix()).items
      if (outcome === 'partial' || outcome === 'unknown') {
        // Committed or maybe: whoever meets it next finishes it (delete again), never undoes it.
        const { layout } = c.shelves.core
        for (const object of (await c.store.list(layout.recordPrefix)).objects) {
          const id = layout.idOf(object.key) as string
          if ((await c.shelves.core.readAny(id))?.meta.cascade !== undefined) await c.shelves.delete(id)
        }
      }
      const books = (await c.books.listByPrefix()).items
      const [note] = (await c.notes.listByPrefix()).items
      const gone = (await c.shelves.count()) === 0
      const done = gone && books.length === 0 && note?.shelfId === null
      const untouched = !gone && books.length === 1 && note?.shelfId === shelf?.id
      if (!done && !untouched) return [`half-done: shelf ${gone ? 'gone' : 'there'}, ${books.length} book(s), note on ${note?.shelfId}`]
      if (outcome === 'ok' && !done) return ['acknowledged, but not done']
      if (outcome === 'failed' && !untouched) return ['reported failed, but done']
      return []
    },
  },
  {
    name: 'createMany',
    async prepare(c) {
      await c.products.indexStatus()
      return () => c.products.createMany([product('m1', 'M1'), product('m2', 'M2')])
    },
    async check(c, outcome) {
      const found = [...(await named(c, 'm1')), ...(await named(c, 'm2'))]
      if (outcome === 'ok' && found.length !== 2) return [`acknowledged, but ${found.length} stored`]
      if (outcome === 'failed' && found.length !== 0) return [`reported failed, but ${found.length} stored`]
      if (outcome === 'failed' && (!(await takeable(c, 'M1')) || !(await takeable(c, 'M2'))))
        return ['reported failed, but a value is held']
      return []
    },
  },
  {
    name: 'createMany whose second input is taken',
    async prepare(c) {
      await c.products.create(product('taken', 'T'))
      return () => c.products.createMany([product('x', 'X1'), product('y', 'T')])
    },
    async check(c, outcome) {
      const found = await named(c, 'x')
      if (outcome === 'ok') return ['a taken value was accepted']
      if (outcome === 'failed' && found.length !== 0) return ['reported failed, but its first record stayed']
      return []
    },
  },
]
