import { describe, expect, it } from 'vitest'
import { json, makeApp } from './fixtures.js'

type Problem = { status: number; code: string; errors?: { path: (string | number)[]; message: string }[]; maxScan?: number }

const problem = async (res: Response) => {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  return (await res.json()) as Problem
}

async function shop(overrides: Parameters<typeof makeApp>[0] = {}) {
  const ctx = await makeApp(overrides)
  const made = await ctx.products.createMany(
    Array.from({ length: 30 }, (_, i) => ({ name: `p${i}`, sku: `S-${i}`, price: i, category: 'home' as const })),
  )
  return { ...ctx, ids: made.map((p) => p.id) }
}

describe('list operands are capped and id lookups are counted', () => {
  it('an anonymous search with 50,000 ids is a 422 naming id__in and the cap, with no store request', async () => {
    const ctx = await shop()
    const ids = [...ctx.ids, ...Array.from({ length: 50_000 - ctx.ids.length }, (_, i) => `x${i}`)]
    ctx.store.reset()
    const res = await ctx.app.request('/products/search', json('POST', { filter: { id__in: ids } }))
    expect(res.status).toBe(422)
    const body = await problem(res)
    expect(body.code).toBe('http.validation')
    expect(body.errors).toEqual([{ path: ['id__in'], message: 'id__in has 50000 values; at most 100 per list (maxListValues)' }])
    expect(ctx.store.counts().total).toBe(0)
  })

  it('caps every list operand, in the query string, the filter and the exclude', async () => {
    const ctx = await shop()
    ctx.store.reset()
    const qs = await ctx.app.request(`/products?id__in=${ctx.ids.concat(ctx.ids, ctx.ids, ctx.ids).join(',')}`)
    expect(qs.status).toBe(422)
    expect((await problem(qs)).errors?.[0]?.path).toEqual(['id__in'])
    const cats = Array.from({ length: 101 }, (_, i) => `c${i}`)
    const nin = await ctx.app.request(`/products?price__nin=${Array.from({ length: 150 }, (_, i) => i).join(',')}`)
    expect((await problem(nin)).errors?.[0]?.message).toMatch(/price__nin has 150 values; at most 100/)
    const exclude = await ctx.app.request('/products/search', json('POST', { exclude: { category__in: cats } }))
    expect(exclude.status).toBe(422)
    expect((await problem(exclude)).errors?.[0]?.path).toEqual(['exclude', 'category__in'])
    expect(ctx.store.counts().total).toBe(0)
    // At the cap, still answered.
    const ok = await ctx.app.request('/products/search', json('POST', { filter: { id__in: ctx.ids }, limit: 100 }))
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { items: unknown[] }).items).toHaveLength(30)
  })

  it('id lookups count against maxScan: past it, 400 query.tooExpensive before any read; within it, one GET per id', async () => {
    const ctx = await shop({ maxScan: 20, maxListValues: 5000 })
    ctx.store.reset()
    const over = await ctx.app.request('/products/search', json('POST', { filter: { id__in: ctx.ids } }))
    expect(over.status).toBe(400)
    expect(await problem(over)).toMatchObject({ code: 'query.tooExpensive', maxScan: 20 })
    expect(ctx.store.counts().total).toBe(0)
    const within = await ctx.app.request('/products/search', json('POST', { filter: { id__in: ctx.ids.slice(0, 20) }, limit: 100 }))
    expect(within.status).toBe(200)
    expect(((await within.json()) as { items: unknown[] }).items).toHaveLength(20)
    expect(ctx.store.counts().get).toBeLessThanOrEqual(20)
  })
})
