import { describe, expect, it } from 'vitest'
import { json, makeApp } from './fixtures.js'

const lamp = { name: 'Lamp', sku: 'L-1', price: 30, category: 'home', inStock: true }

async function create(ctx: Awaited<ReturnType<typeof makeApp>>, body: Record<string, unknown>) {
  const res = await ctx.app.request('/products', json('POST', body))
  expect(res.status).toBe(201)
  return { res, body: (await res.json()) as Record<string, unknown> & { id: string } }
}

describe('CRUD routes', () => {
  it('creates with 201, Location and ETag, ignoring server-set fields', async () => {
    const ctx = await makeApp()
    const { res, body } = await create(ctx, { ...lamp, id: '018f0000-0000-7000-8000-000000000000', createdAt: '2000-01-01T00:00:00Z' })
    expect(body.id).not.toBe('018f0000-0000-7000-8000-000000000000')
    expect(body.createdAt).not.toBe('2000-01-01T00:00:00.000Z')
    expect(res.headers.get('location')).toBe(`/products/${body.id}`)
    const stored = await ctx.products.get(body.id)
    expect(res.headers.get('etag')).toBe(`"${stored?.$etag.replace(/"/g, '')}"`)
  })

  it('gets with ETag and answers 304 to If-None-Match', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx, lamp)
    const res = await ctx.app.request(`/products/${body.id}`)
    expect(res.status).toBe(200)
    const etag = res.headers.get('etag') as string
    expect((await res.json()) as unknown).toMatchObject(lamp)
    const again = await ctx.app.request(`/products/${body.id}`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('404s a missing or malformed id as problem+json', async () => {
    const ctx = await makeApp()
    for (const id of ['018f0000-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const res = await ctx.app.request(`/products/${id}`)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(((await res.json()) as { code: string }).code).toMatch(/model\.(notFound|invalidId)/)
    }
  })

  it('PATCH with only one field keeps the others (and booleans stay true)', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx, lamp)
    const res = await ctx.app.request(`/products/${body.id}`, json('PATCH', { price: 25 }))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ...lamp, price: 25 })
    expect(await ctx.products.get(body.id)).toMatchObject({ ...lamp, price: 25 })
  })

  it('PUT of a record that keeps its own unique value succeeds', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx, lamp)
    const res = await ctx.app.request(`/products/${body.id}`, json('PUT', { ...lamp, name: 'Big lamp' }))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ name: 'Big lamp', sku: 'L-1' })
  })

  it('an invalid update is refused with 422 per-field errors and storage unchanged', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx, lamp)
    const before = ctx.store.counts().put
    const res = await ctx.app.request(`/products/${body.id}`, json('PATCH', { price: -1, category: 'cars' }))
    expect(res.status).toBe(422)
    const problem = (await res.json()) as { code: string; errors: { path: string[] }[] }
    expect(problem.code).toBe('model.validation')
    expect(problem.errors.map((e) => e.path[0]).sort()).toEqual(['category', 'price'])
    expect(ctx.store.counts().put).toBe(before)
    expect(await ctx.products.get(body.id)).toMatchObject(lamp)
  })

  it('a taken unique value is 409 naming the field', async () => {
    const ctx = await makeApp()
    await create(ctx, lamp)
    const res = await ctx.app.request('/products', json('POST', { ...lamp, name: 'Other' }))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'model.unique', field: 'sku', value: 'L-1' })
  })

  it('If-Match with an old version is 412, the current one succeeds', async () => {
    const ctx = await makeApp()
    const { res: created, body } = await create(ctx, lamp)
    const etag = created.headers.get('etag') as string
    const first = await ctx.app.request(`/products/${body.id}`, json('PATCH', { price: 1 }, { 'if-match': etag }))
    expect(first.status).toBe(200)
    const stale = await ctx.app.request(`/products/${body.id}`, json('PATCH', { price: 2 }, { 'if-match': etag }))
    expect(stale.status).toBe(412)
    expect(((await stale.json()) as { code: string }).code).toBe('model.conflict')
    const del = await ctx.app.request(`/products/${body.id}`, { method: 'DELETE', headers: { 'if-match': etag } })
    expect(del.status).toBe(412)
    const put = await ctx.app.request(`/products/${body.id}`, json('PUT', lamp, { 'if-match': first.headers.get('etag') as string }))
    expect(put.status).toBe(200)
  })

  it('deletes with 204, then 404', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx, lamp)
    expect((await ctx.app.request(`/products/${body.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await ctx.app.request(`/products/${body.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('bulk create validates everything first, bulk delete is reachable', async () => {
    const ctx = await makeApp()
    const bad = await ctx.app.request('/products/bulk', json('POST', { items: [lamp, { ...lamp, sku: 'L-2', price: 'x' }] }))
    expect(bad.status).toBe(422)
    expect(await ctx.products.count()).toBe(0)
    const good = await ctx.app.request('/products/bulk', json('POST', { items: [lamp, { ...lamp, sku: 'L-2' }] }))
    expect(good.status).toBe(201)
    const { items } = (await good.json()) as { items: { id: string }[] }
    expect(items).toHaveLength(2)
    const dup = await ctx.app.request('/products/bulk', json('POST', { items: [{ ...lamp, sku: 'L-3' }, lamp] }))
    expect(dup.status).toBe(409)
    expect(await ctx.products.count()).toBe(2)
    const del = await ctx.app.request('/products/bulk/delete', json('POST', { ids: items.map((i) => i.id) }))
    expect(del.status).toBe(200)
    expect(await del.json()).toEqual({ deleted: 2 })
    expect(await ctx.products.count()).toBe(0)
  })

  it('a body that is not JSON is 400 or 415, never 500', async () => {
    const ctx = await makeApp()
    expect(
      (await ctx.app.request('/products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status,
    ).toBe(400)
    expect((await ctx.app.request('/products', { method: 'POST', body: 'x' })).status).toBe(415)
    expect((await ctx.app.request('/products', json('POST', [1]))).status).toBe(422)
  })

  it('models with enableApi: false get no routes', async () => {
    const ctx = await makeApp()
    expect((await ctx.app.request('/secrets')).status).toBe(404)
  })
})
