import { createDatabase, defineModel, memoryStore, S3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { modelRoutes } from '../src/index.js'
import { json, login, makeApp } from './fixtures.js'

type Ctx = Awaited<ReturnType<typeof makeApp>>
type Page = { items: { id: string; name: string; price: number }[]; nextCursor: string | null; skipped?: number; totalCount?: number }
type Problem = { status: number; title: string; detail: string; code: string; errors?: { path: (string | number)[]; message: string }[] }

const lamp = { name: 'Desk Lamp', sku: 'L-1', price: 30, category: 'home' as const }

async function seeded(n = 12, overrides = {}) {
  const ctx = await makeApp(overrides)
  const categories = ['home', 'garden', 'toys'] as const
  await ctx.products.createMany(
    Array.from({ length: n }, (_, i) => ({ name: `P${i}`, sku: `S-${i}`, price: i, category: categories[i % 3] as 'home' })),
  )
  return ctx
}

async function create(ctx: Ctx, body: Record<string, unknown> = lamp) {
  const res = await ctx.app.request('/products', json('POST', body))
  expect(res.status).toBe(201)
  return { res, body: (await res.json()) as { id: string }, etag: res.headers.get('etag') as string }
}

describe('sort_order', () => {
  it('refuses anything but asc or desc with 422 naming the parameter', async () => {
    const ctx = await seeded(6)
    for (const value of ['sideways', 'descending']) {
      const res = await ctx.app.request(`/products?sort_by=price&sort_order=${value}`)
      expect(res.status).toBe(422)
      const problem = (await res.json()) as Problem
      expect(problem.errors).toEqual([{ path: ['sort_order'], message: expect.stringContaining(value) }])
    }
    const desc = (await (await ctx.app.request('/products?sort_by=price&sort_order=DESC')).json()) as Page
    expect(desc.items.map((p) => p.price)).toEqual([5, 4, 3, 2, 1, 0])
    expect((await ctx.app.request('/products?sort_by=price&sort_order=asc')).status).toBe(200)
  })
})

describe('text search (q)', () => {
  async function shop() {
    const ctx = await makeApp()
    await ctx.products.createMany([
      { name: 'Desk LAMP', sku: 'D-1', price: 30, category: 'home' },
      { name: 'Chair', sku: 'lamp-base-7', price: 40, category: 'home' },
      { name: 'Garden hose', sku: 'G-1', price: 10, category: 'garden', tags: ['Lampshade'] },
      { name: 'Rake', sku: 'R-1', price: 12, category: 'garden' },
    ])
    return ctx
  }
  const names = (page: Page) => page.items.map((p) => p.name).sort()

  it('matches case-insensitively in any text field, or in the fields chosen', async () => {
    const ctx = await shop()
    const all = (await (await ctx.app.request('/products?q=lamp')).json()) as Page
    expect(names(all)).toEqual(['Chair', 'Desk LAMP', 'Garden hose'])
    const byName = (await (await ctx.app.request('/products?q=LaMp&fields=name')).json()) as Page
    expect(names(byName)).toEqual(['Desk LAMP'])
    const twoFields = (await (await ctx.app.request('/products?q=lamp&fields=name,sku')).json()) as Page
    expect(names(twoFields)).toEqual(['Chair', 'Desk LAMP'])
    const withFilter = (await (await ctx.app.request('/products?q=lamp&category=garden')).json()) as Page
    expect(names(withFilter)).toEqual(['Garden hose'])
    const bad = await ctx.app.request('/products?q=lamp&fields=price,colour')
    expect(bad.status).toBe(422)
    expect(((await bad.json()) as Problem).errors?.[0]?.path).toEqual(['fields'])
  })

  it('works in the search body, and an unknown member is a 422 naming it', async () => {
    const ctx = await shop()
    const res = await ctx.app.request('/products/search', json('POST', { q: 'LAMP', fields: ['name', 'sku'], orderBy: 'price' }))
    expect(res.status).toBe(200)
    expect(((await res.json()) as Page).items.map((p) => p.name)).toEqual(['Desk LAMP', 'Chair'])
    const typo = await ctx.app.request('/products/search', json('POST', { filtre: { category: 'home' }, q: 'x' }))
    expect(typo.status).toBe(422)
    expect(((await typo.json()) as Problem).errors).toEqual([{ path: ['filtre'], message: expect.stringContaining('unknown member') }])
  })

  it('never reads a hidden field: not by default, and naming one is a 422', async () => {
    const Diary = defineModel(z.object({ title: z.string(), secret: z.string() }), { name: 'Diary', hidden: ['secret'] })
    const database = createDatabase({ store: memoryStore(), models: [Diary] })
    await database.repository(Diary).create({ title: 'Monday', secret: 'lamp' })
    const app = modelRoutes(Diary, { database })
    expect(((await (await app.request('/?q=lamp')).json()) as Page).items).toEqual([])
    expect(((await (await app.request('/?q=monday')).json()) as Page).items).toHaveLength(1)
    for (const res of [
      await app.request('/?q=lamp&fields=secret'),
      await app.request('/search', json('POST', { q: 'lamp', fields: ['secret'] })),
    ]) {
      expect(res.status).toBe(422)
      expect(((await res.json()) as Problem).errors?.[0]?.path).toEqual(['fields'])
    }
  })

  it('states its cost: a scan on its own (within maxScan), served by an index behind an indexed filter', async () => {
    const ctx = await seeded(12, { maxScan: 5 })
    const explain = async (body: Record<string, unknown>) =>
      (
        (await (await ctx.app.request('/products/search', json('POST', { ...body, explain: true }))).json()) as {
          plan: { scan: boolean; path: { kind: string }; description: string; predicted: { formula: string } }
        }
      ).plan
    const alone = await explain({ q: 'p1' })
    expect(alone.scan).toBe(true)
    expect(alone.description).toMatch(/FULL SCAN.*"p1" searched in name,sku.*no index serves it/)
    const indexed = await explain({ q: 'p1', filter: { category: 'home' } })
    expect([indexed.scan, indexed.path.kind]).toEqual([false, 'indexEq'])
    const tooMuch = await ctx.app.request('/products?q=p1')
    expect(tooMuch.status).toBe(400)
    expect(((await tooMuch.json()) as Problem).code).toBe('query.tooExpensive')
    const narrowed = (await (await ctx.app.request('/products?q=p1&category=garden')).json()) as Page
    expect(narrowed.items.map((p) => p.name)).toEqual(['P1', 'P10'])
  })
})

describe('conditional requests', () => {
  it('If-Match takes a list of strong tags; W/ tags never match; * matches any existing record', async () => {
    const ctx = await makeApp()
    const { body, etag } = await create(ctx)
    const url = `/products/${body.id}`
    const weak = await ctx.app.request(url, json('PATCH', { price: 1 }, { 'if-match': `W/${etag}` }))
    expect(weak.status).toBe(412)
    const list = await ctx.app.request(url, json('PATCH', { price: 2 }, { 'if-match': `"stale-one", ${etag}` }))
    expect(list.status).toBe(200)
    const now = list.headers.get('etag') as string
    const stale = await ctx.app.request(url, json('PUT', { ...lamp, price: 3 }, { 'if-match': `"a", ${etag}` }))
    expect(stale.status).toBe(412)
    expect(((await stale.json()) as Problem).title).toBe('Precondition Failed')
    expect((await ctx.app.request(url, json('PATCH', { price: 4 }, { 'if-match': '*' }))).status).toBe(200)
    const missing = '018f0000-0000-7000-8000-00000000abcd'
    expect((await ctx.app.request(`/products/${missing}`, json('PATCH', { price: 4 }, { 'if-match': '*' }))).status).toBe(404)
    expect((await ctx.app.request(url, { method: 'DELETE', headers: { 'if-match': `W/${now}, "x"` } })).status).toBe(412)
    expect((await ctx.products.get(body.id))?.price).toBe(4)
  })

  it('PUT with If-None-Match: * creates with the given id when absent, 412 when it exists', async () => {
    const ctx = await makeApp()
    const id = '018f0000-0000-7000-8000-0000000000aa'
    const res = await ctx.app.request(`/products/${id.toUpperCase()}`, json('PUT', lamp, { 'if-none-match': '*' }))
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe(`/products/${id.toUpperCase()}`)
    expect(res.headers.get('etag')).toMatch(/^".+"$/)
    expect((await ctx.products.get(id))?.name).toBe('Desk Lamp')
    const again = await ctx.app.request(`/products/${id}`, json('PUT', { ...lamp, name: 'Other' }, { 'if-none-match': '*' }))
    expect(again.status).toBe(412)
    expect((await ctx.products.get(id))?.name).toBe('Desk Lamp')
    const plain = await ctx.app.request('/products/018f0000-0000-7000-8000-0000000000bb', json('PUT', lamp))
    expect(plain.status).toBe(404)
  })

  it('a wrong method is 405 with Allow; OPTIONS answers with Allow', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx)
    const cases: [string, string, string][] = [
      ['DELETE', '/products', 'GET, HEAD, POST, OPTIONS'],
      ['PUT', '/products', 'GET, HEAD, POST, OPTIONS'],
      ['GET', '/products/search', 'POST, OPTIONS'],
      ['GET', '/products/bulk', 'POST, OPTIONS'],
      ['POST', `/products/${body.id}`, 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    ]
    for (const [method, path, allow] of cases) {
      const res = await ctx.app.request(path, { method })
      expect([method, path, res.status]).toEqual([method, path, 405])
      expect(res.headers.get('allow')).toBe(allow)
      expect(((await res.json()) as Problem).title).toBe('Method Not Allowed')
      const options = await ctx.app.request(path, { method: 'OPTIONS' })
      expect([path, options.status, options.headers.get('allow')]).toEqual([path, 204, allow])
    }
  })

  it('CORS is off by default and answers the configured origins only', async () => {
    const closed = await makeApp()
    const plain = await closed.app.request('/products', { headers: { origin: 'https://shop.example' } })
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
    const open = await makeApp({ cors: { origin: ['https://shop.example'] } })
    const ok = await open.app.request('/products', { headers: { origin: 'https://shop.example' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect(ok.headers.get('access-control-expose-headers')).toContain('ETag')
    const other = await open.app.request('/products', { headers: { origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await open.app.request('/products', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
  })
})

describe('problem titles', () => {
  it('every status says what happened; the documented 501 keeps its explanation and is not a server fault', async () => {
    const faults: unknown[] = []
    const ctx = await makeApp({ uploads: { allowedContentTypes: ['image/png'], maxFileSize: 1024 }, onServerError: (e) => faults.push(e) })
    const alice = await login(ctx, 'alice')
    const presign = await ctx.app.request(
      '/uploads/presign',
      json('POST', { filename: 'a.png', size: 10 }, { authorization: alice.authorization }),
    )
    const problem = (await presign.json()) as Problem
    expect([presign.status, problem.title, problem.code]).toEqual([501, 'Not Implemented', 'storage.presignUnsupported'])
    expect(problem.detail).toMatch(/presigned URLs need S3/i)
    expect(faults).toEqual([])
    const { body } = await create(ctx)
    for (const [code, status, title] of [
      ['storage.expired', 410, 'Gone'],
      ['store.accessDenied', 502, 'Bad Gateway'],
    ] as const) {
      const remove = ctx.store.injectFault({ op: 'get', error: () => new S3verlessError(code, 'bucket secret-bucket said no') })
      const res = await ctx.app.request(`/products/${body.id}`)
      remove()
      const p = (await res.json()) as Problem
      expect([res.status, p.title]).toEqual([status, title])
    }
    expect(faults).toHaveLength(1) // the 502, not the 410 nor the 501
  })
})

describe('bulk delete', () => {
  it('counts each record once whatever the letter case of its id', async () => {
    const ctx = await makeApp()
    const { body } = await create(ctx)
    const res = await ctx.app.request('/products/bulk/delete', json('POST', { ids: [body.id.toUpperCase(), body.id] }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ deleted: 1 })
  })

  it('reports unknown ids the same way with or without owner scoping, deleting nothing', async () => {
    const ctx = await makeApp()
    const unknown = '018f0000-0000-7000-8000-00000000dead'
    const { body } = await create(ctx)
    const open = await ctx.app.request('/products/bulk/delete', json('POST', { ids: [body.id, unknown] }))
    const alice = await login(ctx, 'alice')
    const bob = await login(ctx, 'bob')
    const mine = await ctx.notes.create({ title: 'a', ownerId: alice.id })
    const bobs = await ctx.notes.create({ title: 'b', ownerId: bob.id })
    const scoped = await ctx.app.request(
      '/notes/bulk/delete',
      json('POST', { ids: [mine.id, unknown, bobs.id] }, { authorization: alice.authorization }),
    )
    const shape = async (res: Response) => {
      const p = (await res.json()) as Problem & { ids?: string[] }
      return { status: res.status, code: p.code }
    }
    expect(await shape(open)).toEqual({ status: 404, code: 'model.notFound' })
    expect(await shape(scoped)).toEqual({ status: 404, code: 'model.notFound' })
    expect(await ctx.products.get(body.id)).not.toBeNull()
    expect(await ctx.notes.get(mine.id)).not.toBeNull()
  })
})

describe('paths, headers and operands', () => {
  it('a trailing slash reaches the collection', async () => {
    const ctx = await makeApp()
    const created = await ctx.app.request('/products/', json('POST', lamp))
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    expect(created.headers.get('location')).toBe(`/products/${id}`)
    const list = await ctx.app.request('/products/')
    expect(list.status).toBe(200)
    expect(((await list.json()) as Page).items.map((p) => p.id)).toEqual([id])
  })

  it('every 201 carries Location', async () => {
    const ctx = await makeApp()
    const bulk = await ctx.app.request('/products/bulk', json('POST', { items: [lamp, { ...lamp, sku: 'L-2' }] }))
    expect(bulk.status).toBe(201)
    const { items } = (await bulk.json()) as { items: { id: string }[] }
    const location = bulk.headers.get('location') as string
    expect(location).toBe(`/products?id__in=${items.map((i) => i.id).join(',')}`)
    const listed = (await (await ctx.app.request(location)).json()) as Page
    expect(listed.items.map((p) => p.id).sort()).toEqual(items.map((i) => i.id).sort())
    const register = await ctx.app.request(
      '/auth/register',
      json('POST', { username: 'carol', email: 'c@example.com', password: 'correct-horse-7' }),
    )
    expect(register.status).toBe(201)
    expect(register.headers.get('location')).toBe('/auth/me')
  })

  it('401s carry a Bearer challenge, with invalid_token and its description when a token was refused', async () => {
    const ctx = await makeApp()
    const anonymous = await ctx.app.request('/notes')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"')
    const forged = await ctx.app.request('/notes', { headers: { authorization: 'Bearer not.a.token' } })
    expect(forged.status).toBe(401)
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"\\]+"$/)
  })

  it('a bad date operand is 422 whatever the value, in the query string and in a search', async () => {
    const ctx = await seeded(3)
    for (const value of ['garbage', '2024-02-30', '2024-13-01', '2024-01-01T25:00:00Z']) {
      const res = await ctx.app.request(`/products?releasedAt__gt=${encodeURIComponent(value)}`)
      expect([value, res.status]).toEqual([value, 422])
      expect(((await res.json()) as Problem).errors?.[0]?.path).toEqual(['releasedAt__gt'])
      const search = await ctx.app.request('/products/search', json('POST', { filter: { releasedAt__gt: value } }))
      expect([value, search.status]).toEqual([value, 422])
      expect(((await search.json()) as Problem).errors?.[0]?.path).toEqual(['releasedAt__gt'])
    }
    expect((await ctx.app.request('/products?releasedAt__gt=2024-02-29')).status).toBe(200)
  })

  it('cursors are opaque (no store key inside) and a changed one is a 422', async () => {
    const ctx = await seeded(5)
    const first = (await (await ctx.app.request('/products?orderBy=price&limit=2')).json()) as Page
    const cursor = first.nextCursor as string
    const decoded = atob(
      cursor
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(cursor.length / 4) * 4, '='),
    )
    expect(decoded).not.toMatch(/products|s3verless|"k"|price/)
    const second = (await (await ctx.app.request(`/products?orderBy=price&limit=2&cursor=${cursor}`)).json()) as Page
    expect(second.items.map((p) => p.price)).toEqual([2, 3])
    const flipped = cursor.slice(0, 20) + (cursor[20] === 'A' ? 'B' : 'A') + cursor.slice(21)
    const tampered = await ctx.app.request(`/products?orderBy=price&limit=2&cursor=${flipped}`)
    expect(tampered.status).toBe(422)
    expect(((await tampered.json()) as Problem).errors?.[0]?.path).toEqual(['cursor'])
    // A cursor of one collection does not open another's.
    const elsewhere = await ctx.app.request(`/notes?cursor=${cursor}`, {
      headers: { authorization: (await login(ctx, 'ann')).authorization },
    })
    expect(elsewhere.status).toBe(422)
  })
})

describe('admin pages', () => {
  it('start with <!DOCTYPE html>', async () => {
    const ctx = await makeApp()
    const res = await ctx.app.request('/admin/login')
    expect(res.status).toBe(200)
    expect(await res.text()).toMatch(/^<!DOCTYPE html><html lang="en">/)
  })
})

describe('a page that skipped a corrupt record', () => {
  it('says so, and totalCount does not count it', async () => {
    const ctx = await seeded(4)
    const badId = '018f0000-0000-7000-8000-00000000bad0'
    await ctx.store.put(ctx.products.core.layout.recordKey(badId), `{"name": 5${' '.repeat(100)}`) // (objects under 100 bytes are tombstones or placeholders, skipped unread)
    const cursorPage = (await (await ctx.app.request('/products?limit=10')).json()) as Page
    expect(cursorPage.items).toHaveLength(4)
    expect(cursorPage.skipped).toBe(1)
    const numbered = (await (await ctx.app.request('/products?page=1&pageSize=10')).json()) as Page
    expect([numbered.items.length, numbered.totalCount, numbered.skipped]).toEqual([4, 4, 1])
    const clean = (await (await ctx.app.request('/products?category=garden')).json()) as Page
    expect(clean.skipped).toBeUndefined()
  })
})

describe('the OpenAPI document', () => {
  type Op = {
    parameters?: { name: string; in: string; schema: { enum?: string[] } }[]
    requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties?: boolean } }> }
    responses: Record<string, { headers?: Record<string, unknown> }>
  }
  it('documents 405 with Allow, 412, 413, q and fields, sort_order, and the conditional headers', async () => {
    const ctx = await makeApp()
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> }
    const op = (path: string, method: string) => doc.paths[path]?.[method] as Op
    const list = op('/products', 'get')
    expect(list.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'fields', 'sort_by', 'sort_order']))
    expect(list.parameters?.find((p) => p.name === 'sort_order')?.schema.enum).toEqual(['asc', 'desc'])
    expect(list.responses['405']?.headers).toHaveProperty('Allow')
    const search = op('/products/search', 'post').requestBody?.content['application/json']?.schema
    expect(Object.keys(search?.properties ?? {})).toEqual(expect.arrayContaining(['q', 'fields', 'explain']))
    expect(search?.additionalProperties).toBe(false)
    const put = op('/products/{id}', 'put')
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['201', '412', '413', '405']))
    expect(put.parameters?.filter((p) => p.in === 'header').map((p) => p.name)).toEqual(['If-Match', 'If-None-Match'])
    expect(op('/products/{id}', 'delete').responses).toHaveProperty('412')
    expect(op('/products', 'post').responses['201']?.headers).toHaveProperty('Location')
    expect(op('/notes', 'get').responses['401']?.headers).toHaveProperty('WWW-Authenticate')
  })
})
