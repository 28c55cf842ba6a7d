import { describe, expect, expectTypeOf, it } from 'vitest'
import { type InferRecord, isS3verlessError, type Stored, uuidv7 } from '../../src/index.js'
import { lamp, type Product, setup } from './fixtures.js'

describe('repository CRUD', () => {
  it('creates a typed record with server fields and an etag, and reads it back', async () => {
    const { products } = setup()
    const p = await products.create(lamp({ name: 'Desk lamp' }))
    expectTypeOf(p).toEqualTypeOf<Stored<InferRecord<typeof Product>>>()
    expectTypeOf(p.price).toEqualTypeOf<number>()
    expect(p.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/)
    expect(p.createdAt).toBeInstanceOf(Date)
    expect(p.stock).toBe(0)
    expect(p.$etag).toEqual(expect.any(String))
    expect(JSON.parse(JSON.stringify(p))).not.toHaveProperty('$etag')
    const got = await products.getOrThrow(p.id)
    expect(got).toEqual(p)
    expect(got.$etag).toBe(p.$etag)
    expect(got.createdAt.getTime()).toBe(p.createdAt.getTime())
  })

  it('keeps a caller-supplied UUID and refuses a second record with it', async () => {
    const { products } = setup()
    const id = uuidv7()
    expect((await products.create({ ...lamp(), id })).id).toBe(id)
    const err = await products.create({ ...lamp({ sku: 'other' }), id }).catch((e) => e)
    expect(err.code).toBe('model.conflict')
    expect(err.message).toContain('already exists')
    expect(await products.findBy('sku', 'other')).toBeNull()
  })

  it('refuses a caller-chosen id that exists without disturbing that record', async () => {
    const { products, store } = setup()
    const id = uuidv7()
    await products.create({ ...lamp({ sku: 'S', category: 'home' }), id })
    store.reset()
    const err = await products.create({ ...lamp({ sku: 'S', category: 'home' }), id }).catch((e) => e)
    expect(err.code).toBe('model.conflict')
    expect(store.counts()).toMatchObject({ get: 1, put: 0 })
    const racers = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        products.create({ ...lamp({ sku: 'R', category: 'garden' }), id: '01900000-0000-7000-8000-00000000000a' }),
      ),
    )
    expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const [sku, category] of [
      ['S', 'home'],
      ['R', 'garden'],
    ]) {
      const hit = await products.findBy('sku', sku as string)
      expect(hit).not.toBeNull()
      expect((await products.findAllBy('category', category as string)).map((p) => p.id)).toEqual([hit?.id])
    }
  })

  it('rejects invalid input with every field path, writing nothing', async () => {
    const { products, store, memory } = setup()
    store.reset()
    const err = await products.create({ name: '', sku: 'x', price: -1, category: 7 } as never).catch((e) => e)
    expect(isS3verlessError(err, 'model.validation')).toBe(true)
    expect(err.issues.map((i: { path: string[] }) => i.path.join('.')).sort()).toEqual(['category', 'name', 'price'])
    expect(err.message).toMatch(/Invalid Product: /)
    expect(store.counts().total).toBe(0)
    expect(memory.keys()).toEqual([])
  })

  it('rejects a non-UUID id before any request', async () => {
    const { products, store } = setup()
    for (const call of [
      () => products.get('../etc/passwd'),
      () => products.update('nope', {}),
      () => products.delete('1'),
      () => products.create({ ...lamp(), id: 'x' }),
    ]) {
      const err = await call().catch((e) => e)
      expect(err.code).toBe('model.invalidId')
    }
    expect(store.counts().total).toBe(0)
  })

  it('updates with optimistic concurrency: a stale etag is a conflict and changes nothing', async () => {
    const { products } = setup()
    const v1 = await products.create(lamp())
    const v2 = await products.update(v1.id, { price: 25 }, { ifMatch: v1.$etag })
    expect(v2.price).toBe(25)
    expect(v2.updatedAt.getTime()).toBeGreaterThanOrEqual(v1.updatedAt.getTime())
    expect(v2.createdAt).toEqual(v1.createdAt)
    const err = await products.update(v1.id, { price: 99 }, { ifMatch: v1.$etag }).catch((e) => e)
    expect(err.code).toBe('model.conflict')
    expect((await products.getOrThrow(v1.id)).price).toBe(25)
    const del = await products.delete(v1.id, { ifMatch: v1.$etag }).catch((e) => e)
    expect(del.code).toBe('model.conflict')
    expect(await products.exists(v1.id)).toBe(true)
  })

  it('validates the merged record on update and refuses attempts to set server fields, changing nothing', async () => {
    const { products } = setup()
    const p = await products.create(lamp())
    const err = await products.update(p.id, { price: 'cheap' } as never).catch((e) => e)
    expect(err.code).toBe('model.validation')
    expect(err.issues[0].path).toEqual(['price'])
    const refused = await products.update(p.id, { id: 'x', createdAt: new Date(0), name: 'Renamed' } as never).catch((e) => e)
    expect(refused.code).toBe('model.validation')
    expect(refused.issues.map((i: { path: string[] }) => i.path[0]).sort()).toEqual(['createdAt', 'id'])
    expect((await products.getOrThrow(p.id)).name).toBe('Lamp')
    // A spread record repeats its server fields unchanged: that is allowed.
    const u = await products.update(p.id, (cur) => ({ ...cur, name: 'Renamed' }))
    expect(u).toMatchObject({ id: p.id, name: 'Renamed', createdAt: p.createdAt })
  })

  it('replaces all schema fields, applying defaults again', async () => {
    const { products } = setup()
    const p = await products.create({ ...lamp(), stock: 5 })
    const r = await products.replace(p.id, { name: 'New', sku: 'N-1', price: 1, category: 'misc' })
    expect(r).toMatchObject({ id: p.id, name: 'New', stock: 0 })
    expect(await products.findBy('sku', 'L-1')).toBeNull()
    expect((await products.findBy('sku', 'N-1'))?.id).toBe(p.id)
  })

  it('updates with a function, re-reading and retrying on conflict: no increment is lost', async () => {
    const { products } = setup()
    const p = await products.create(lamp())
    await Promise.all(Array.from({ length: 25 }, () => products.update(p.id, (cur) => ({ stock: cur.stock + 1 }))))
    expect((await products.getOrThrow(p.id)).stock).toBe(25)
  })

  it('reports missing records distinctly', async () => {
    const { products } = setup()
    const id = uuidv7()
    expect(await products.get(id)).toBeNull()
    expect(await products.exists(id)).toBe(false)
    expect(await products.delete(id)).toBe(false)
    expect((await products.getOrThrow(id).catch((e) => e)).code).toBe('model.notFound')
    expect((await products.update(id, { price: 1 }).catch((e) => e)).code).toBe('model.notFound')
  })

  it('stores dates as ISO strings and reads them back as Dates', async () => {
    const { products, memory } = setup()
    const releasedAt = new Date('2024-02-29T12:00:00.000Z')
    const p = await products.create({ ...lamp(), releasedAt })
    const raw = JSON.parse(new TextDecoder().decode((await memory.get(`s3verless-data/products/${p.id}.json`))?.body))
    expect(raw.releasedAt).toBe('2024-02-29T12:00:00.000Z')
    expect((await products.getOrThrow(p.id)).releasedAt).toEqual(releasedAt)
  })

  it('reads records written by the Python original (snake_case timestamps, no bookkeeping)', async () => {
    const { products, memory } = setup()
    const id = '3f2b8c1e-5d4a-4c3b-9a2e-1f0e9d8c7b6a'
    await memory.put(
      `s3verless-data/products/${id}.json`,
      JSON.stringify({
        id,
        name: 'Old',
        sku: 'O-1',
        price: 1,
        category: 'x',
        stock: 0,
        created_at: '2023-01-01T00:00:00Z',
        updated_at: '2023-01-02T00:00:00Z',
      }),
    )
    const old = await products.getOrThrow(id)
    expect(old.createdAt).toEqual(new Date('2023-01-01T00:00:00Z'))
    expect((await products.update(id, { price: 2 })).price).toBe(2)
  })

  it('fails get on a corrupt record naming its key, while listings skip and report it', async () => {
    const { products, memory } = setup()
    const good = await products.create(lamp())
    const badId = uuidv7()
    const key = `s3verless-data/products/${badId}.json`
    // (Objects under 100 bytes are tombstones or placeholders on every store: a corrupt one is longer.)
    await memory.put(key, `{"name": 5${' '.repeat(100)}`)
    const err = await products.get(badId).catch((e) => e)
    expect(err.code).toBe('model.corrupt')
    expect(err.message).toContain(key)
    const page = await products.listByPrefix()
    expect(page.items.map((p) => p.id)).toEqual([good.id])
    expect(page.skipped).toEqual([{ key, reason: expect.stringContaining('not valid UTF-8 JSON') }])
    await memory.put(key, JSON.stringify({ id: badId, name: 'x' }))
    expect((await products.get(badId).catch((e) => e)).message).toMatch(/does not match the schema \(.*sku/)
  })

  it('lists in creation order with markers, and paginates with totals', async () => {
    const { products, store } = setup()
    const created = []
    for (let i = 0; i < 45; i++) created.push(await products.create(lamp({ sku: `S-${i}` })))
    const seen: string[] = []
    let marker: string | undefined
    do {
      store.reset()
      const page = await products.listByPrefix({ limit: 20, ...(marker ? { marker } : {}) })
      expect(store.counts()).toMatchObject({ list: 1, get: page.items.length })
      seen.push(...page.items.map((p) => p.id))
      marker = page.nextMarker
    } while (marker)
    expect(seen).toEqual(created.map((p) => p.id))
    const page3 = await products.paginate({ page: 3, pageSize: 20 })
    expect(page3).toMatchObject({ totalCount: 45, page: 3, pageSize: 20, totalPages: 3, hasNext: false, hasPrev: true })
    expect(page3.items.map((p) => p.id)).toEqual(created.slice(40).map((p) => p.id))
    expect(await products.count()).toBe(45)
    await expect(products.paginate({ page: 0 })).rejects.toThrow(/page must be a positive integer/)
  })

  it('createMany validates the whole batch first, including duplicate unique values', async () => {
    const { products, memory } = setup()
    const err = await products.createMany([lamp({ sku: 'A' }), lamp({ sku: 'B', price: -5 }), lamp({ sku: 'A' })]).catch((e) => e)
    expect(err.code).toBe('model.validation')
    expect(err.issues.map((i: { path: unknown[] }) => i.path)).toEqual([
      [1, 'price'],
      [2, 'sku'],
    ])
    expect(memory.keys()).toEqual([])
    const made = await products.createMany([lamp({ sku: 'A' }), lamp({ sku: 'B' })])
    expect(made.map((p) => p.sku)).toEqual(['A', 'B'])
    await products.create(lamp({ sku: 'C' }))
    const clash = await products.createMany([lamp({ sku: 'D' }), lamp({ sku: 'C' })]).catch((e) => e)
    expect(clash.code).toBe('model.unique')
    expect(await products.findBy('sku', 'D')).toBeNull()
    expect(await products.deleteMany(made.map((p) => p.id))).toBe(2)
    expect(await products.count()).toBe(1)
  })

  it('finds records by an indexed field, verified against the records', async () => {
    const { products } = setup()
    await products.create(lamp({ sku: 'a', category: 'home' }))
    await products.create(lamp({ sku: 'b', category: 'garden' }))
    const c = await products.create(lamp({ sku: 'c', category: 'home' }))
    expect((await products.findAllBy('category', 'home')).map((p) => p.sku).sort()).toEqual(['a', 'c'])
    await products.update(c.id, { category: 'garden' })
    expect((await products.findAllBy('category', 'home')).map((p) => p.sku)).toEqual(['a'])
    await expect(products.findAllBy('name', 'Lamp')).rejects.toThrow(/needs an indexed field; "name" is not one/)
    await expect(products.findBy('category', 'home')).rejects.toThrow(/needs a unique field/)
  })
})
