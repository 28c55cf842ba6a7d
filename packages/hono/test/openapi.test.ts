import { Hono } from 'hono'
import { hc } from 'hono/client'
import { describe, expect, it } from 'vitest'
import { modelRoutes, type S3verlessEnv } from '../src/index.js'
import { json, makeApp, Product } from './fixtures.js'

describe('OpenAPI, docs, index and health', () => {
  it('serves an OpenAPI 3.1 document with every model route and the auth routes', async () => {
    const ctx = await makeApp()
    const res = await ctx.app.request('/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as {
      openapi: string
      info: { title: string }
      paths: Record<string, Record<string, unknown>>
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('Test shop')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/products',
        '/products/{id}',
        '/products/bulk',
        '/products/bulk/delete',
        '/products/search',
        '/notes',
        '/auth/login',
        '/auth/register',
        '/auth/refresh',
        '/auth/me',
      ]),
    )
    expect(Object.keys(doc.paths['/products/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch', 'put'])
    expect(doc.paths).not.toHaveProperty('/secrets')
    expect(Object.keys(doc.components.schemas.Product?.properties ?? {})).toEqual(
      expect.arrayContaining(['name', 'sku', 'price', 'id', 'createdAt']),
    )
    expect(doc.components.schemas.NoteInput?.properties).not.toHaveProperty('ownerId')
  })

  it('/docs explains itself without assets and serves local swagger-ui assets with them', async () => {
    const bare = await makeApp()
    expect(await (await bare.app.request('/docs')).text()).toContain('docsAssets')
    const ctx = await makeApp({ docsAssets: async (file) => (file === 'swagger-ui.css' ? 'body{}' : null) })
    const page = await (await ctx.app.request('/docs')).text()
    expect(page).toContain('docs/assets/swagger-ui-bundle.js')
    expect(page).not.toMatch(/https?:\/\/(?!127)/)
    expect((await ctx.app.request('/docs/assets/swagger-ui.css')).headers.get('content-type')).toMatch(/text\/css/)
    expect((await ctx.app.request('/docs/assets/swagger-ui-bundle.js')).status).toBe(404)
    expect((await ctx.app.request('/docs/assets/package.json')).status).toBe(404)
  })

  it('/ lists the API and /health checks the store', async () => {
    const ctx = await makeApp()
    const index = (await (await ctx.app.request('/')).json()) as { models: { name: string; path: string }[]; docs: string }
    expect(index.models.map((m) => m.path)).toEqual(['/products', '/notes'])
    expect(index.docs).toBe('/docs')
    expect((await ctx.app.request('/health')).status).toBe(200)
    ctx.store.injectFault({ op: 'list', error: () => new Error('down') })
    expect((await ctx.app.request('/health')).status).toBe(503)
    expect((await ctx.app.request('/nowhere')).headers.get('content-type')).toBe('application/problem+json')
  })

  it('mounts into an existing app, and a typed hc client calls the routes', async () => {
    const ctx = await makeApp({ mountPath: '/api' })
    const outer = new Hono().get('/', (c) => c.text('home')).route('/api', ctx.app)
    expect(await (await outer.request('/')).text()).toBe('home')
    const created = await outer.request('/api/products', json('POST', { name: 'Lamp', sku: 'L', price: 3, category: 'home' }))
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toMatch(/^\/api\/products\//)
    const doc = (await (await outer.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain('/api/products')
    expect((await outer.request('/api/products?nope=1')).status).toBe(400)

    const typed = new Hono<S3verlessEnv>().route(
      '/products',
      modelRoutes(Product, { database: ctx.database, maxScan: 100, maxLimit: 100, defaultLimit: 20, maxBulk: 10 }),
    )
    const client = hc<typeof typed>('http://local', { fetch: (input: RequestInfo | URL, init?: RequestInit) => typed.request(input, init) })
    const res = await client.products[':id'].$get({ param: { id: ((await created.json()) as { id: string }).id } })
    if (res.status !== 200) throw new Error(`status ${res.status}`)
    const lamp = await res.json()
    expect(lamp.sku).toBe('L')
    expect(typeof lamp.createdAt).toBe('string')
    const listed = await client.products.$get({ query: { category: 'home' } })
    if (listed.status !== 200) throw new Error(`status ${listed.status}`)
    expect((await listed.json()).items[0]?.price).toBe(3)
  })
})
