import { describe, expect, it } from 'vitest'
import { json, makeApp } from './fixtures.js'

async function seeded(n = 12, overrides = {}) {
  const ctx = await makeApp(overrides)
  const categories = ['home', 'garden', 'toys'] as const
  await ctx.products.createMany(
    Array.from({ length: n }, (_, i) => ({
      name: `P${i}`,
      sku: `S-${i}`,
      price: i,
      category: categories[i % 3] as 'home',
      inStock: i % 2 === 0,
    })),
  )
  return ctx
}

type Page = { items: { price: number; category: string; inStock: boolean }[]; nextCursor: string | null }

describe('list routes', () => {
  it('filters with coerced values and orders', async () => {
    const ctx = await seeded()
    const res = await ctx.app.request('/products?category=home&price__gt=3&orderBy=-price')
    expect(res.status).toBe(200)
    const page = (await res.json()) as Page
    expect(page.items.map((p) => p.price)).toEqual([9, 6])
    const bools = (await (await ctx.app.request('/products?inStock=false&limit=100')).json()) as Page
    expect(bools.items.every((p) => p.inStock === false)).toBe(true)
    const list = (await (await ctx.app.request('/products?category__in=home,toys&sort_by=price&sort_order=desc')).json()) as Page
    expect(list.items.map((p) => p.price).slice(0, 3)).toEqual([11, 9, 8])
  })

  it('indexed equality reads only the matching records, whatever the collection size', async () => {
    const small = await seeded(6)
    small.store.reset()
    await small.app.request('/products?category=home')
    const big = await seeded(60)
    big.store.reset()
    const res = await big.app.request('/products?category=home&limit=2')
    expect(((await res.json()) as Page).items).toHaveLength(2)
    expect(big.store.counts().list).toBeLessThanOrEqual(small.store.counts().list + 1)
    expect(big.store.counts().get).toBeLessThanOrEqual(small.store.counts().get + 2)
  })

  it('pages with cursors and with page numbers', async () => {
    const ctx = await seeded()
    const first = (await (await ctx.app.request('/products?orderBy=price&limit=5')).json()) as Page
    expect(first.items.map((p) => p.price)).toEqual([0, 1, 2, 3, 4])
    const second = (await (
      await ctx.app.request(`/products?orderBy=price&limit=5&cursor=${encodeURIComponent(first.nextCursor ?? '')}`)
    ).json()) as Page
    expect(second.items.map((p) => p.price)).toEqual([5, 6, 7, 8, 9])
    const numbered = (await (await ctx.app.request('/products?orderBy=price&page=3&pageSize=5')).json()) as Page & {
      totalCount: number
      hasNext: boolean
    }
    expect(numbered).toMatchObject({ totalCount: 12, page: 3, pageSize: 5, totalPages: 3, hasNext: false, hasPrev: true })
    expect(numbered.items.map((p) => p.price)).toEqual([10, 11])
  })

  it('unknown fields and operators are 400 naming them; bad values 422', async () => {
    const ctx = await seeded(3)
    const field = await ctx.app.request('/products?colour=red')
    expect(field.status).toBe(400)
    expect(await field.json()).toMatchObject({ code: 'query.unknownField', field: 'colour' })
    const op = await ctx.app.request('/products?price__near=3')
    expect(op.status).toBe(400)
    expect(await op.json()).toMatchObject({ code: 'query.unknownOperator', operator: 'near' })
    const value = await ctx.app.request('/products?price__gt=abc&limit=-1')
    expect(value.status).toBe(422)
    expect(((await value.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path[0])).toEqual(['price__gt', 'limit'])
    expect((await ctx.app.request('/products?orderBy=colour')).status).toBe(400)
  })

  it('a scan over maxScan is 400 with the plan; an invalid cursor 422 naming it', async () => {
    const ctx = await seeded(12, { maxScan: 5 })
    const res = await ctx.app.request('/products?name__icontains=p')
    expect(res.status).toBe(400)
    const problem = (await res.json()) as { code: string; plan: { scan: boolean } }
    expect(problem.code).toBe('query.tooExpensive')
    expect(problem.plan.scan).toBe(true)
    expect((await ctx.app.request('/products?category=home')).status).toBe(200)
    const cursor = await ctx.app.request('/products?cursor=garbage')
    expect(cursor.status).toBe(422)
    expect(await cursor.json()).toMatchObject({ code: 'http.validation', errors: [{ path: ['cursor'] }] })
  })

  it('search takes JSON filters', async () => {
    const ctx = await seeded()
    const res = await ctx.app.request('/products/search', json('POST', { filter: { price__gte: 10 }, orderBy: '-price' }))
    expect(res.status).toBe(200)
    expect(((await res.json()) as Page).items.map((p) => p.price)).toEqual([11, 10])
    const bad = await ctx.app.request('/products/search', json('POST', { filter: { nope: 1 } }))
    expect(bad.status).toBe(400)
    expect((await ctx.app.request('/products/search', json('POST', { limit: 'x' }))).status).toBe(422)
  })

  it('a store outage is 503, not 500', async () => {
    const ctx = await seeded(3)
    const { Unavailable } = await import('@s3verless/core')
    ctx.store.injectFault({ op: 'list', error: () => new Unavailable('list', 'x') })
    const res = await ctx.app.request('/products')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'store.unavailable' })
  })
})
