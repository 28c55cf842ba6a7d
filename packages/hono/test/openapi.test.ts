import { createSettings, memoryStore } from '@s3verless/core'
import { Hono } from 'hono'
import { hc } from 'hono/client'
import { describe, expect, it } from 'vitest'
import { modelRoutes, S3verless, type S3verlessEnv } from '../src/index.js'
import { json, makeApp, Note, Product, SECRET_KEY } from './fixtures.js'

type Schema = { $ref?: string; properties?: Record<string, Schema>; required?: string[]; [key: string]: unknown }
type Operation = {
  security?: Record<string, string[]>[]
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, { content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> }>
}
/** A property's schema (empty when absent). */
const field = (schema: Schema | undefined, name: string) =>
  (schema?.properties?.[name] ?? {}) as Schema & { const?: string; enum?: string[]; anyOf?: Schema[] }
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } }

/** Every `$ref` in the document, each of which must name a schema under components. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, out)
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) key === '$ref' && typeof item === 'string' ? out.push(item) : refs(item, out)
  return out
}

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

  it('documents POST /transactions: operations as a union on op over the served plurals, the results and the problems', async () => {
    const ctx = await makeApp()
    const doc = (await (await ctx.app.request('/openapi.json')).json()) as Document
    const schemas = doc.components.schemas
    const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? schemas[s.$ref.replace('#/components/schemas/', '')] : s)
    const missing = refs(doc).filter((r) => !r.startsWith('#/components/schemas/') || !schemas[r.slice('#/components/schemas/'.length)])
    expect(missing).toEqual([])

    const tx = doc.paths['/transactions']?.post as Operation
    expect(tx).toBeDefined()
    // Products take anonymous writes, so the bearer token is optional here.
    expect(tx.security).toEqual([{ bearer: [] }, {}])
    expect(Object.keys(tx.responses).sort()).toEqual(['200', '401', '403', '404', '409', '412', '413', '422', '503'])
    for (const status of ['401', '403', '404', '409', '412', '422'])
      expect(resolve(tx.responses[status]?.content?.['application/problem+json']?.schema)).toBe(schemas.Problem)
    const body = resolve(tx.requestBody?.content['application/json']?.schema)
    const operations = body?.properties?.operations as Schema & { maxItems: number; items: { anyOf: Schema[]; discriminator: object } }
    expect(operations.maxItems).toBe(25)
    expect(operations.items.discriminator).toEqual({ propertyName: 'op' })
    const [create, update, remove] = operations.items.anyOf.map(resolve) as [Schema, Schema, Schema]
    expect([create, update, remove].map((o) => field(o, 'op').const)).toEqual(['create', 'update', 'delete'])
    // `model` is one of the served plurals (not the hidden Secret's); `data` the model's input or patch.
    for (const o of [create, update, remove]) expect(field(o, 'model').enum).toEqual(['products', 'notes'])
    expect(create.required).toEqual(['op', 'model', 'data'])
    expect(remove.required).toEqual(['op', 'model', 'id'])
    expect(Object.keys(update.properties ?? {})).toEqual(['op', 'model', 'id', 'data', 'ifMatch'])
    expect(field(create, 'data').anyOf?.map(resolve)).toEqual([schemas.ProductInput, schemas.NoteInput])
    expect(field(update, 'data').anyOf?.map(resolve)).toEqual([schemas.ProductPatch, schemas.NotePatch])
    expect(schemas.NoteInput?.properties).not.toHaveProperty('ownerId')
    const results = resolve(tx.responses['200']?.content?.['application/json']?.schema)?.properties?.results as { items: Schema }
    const result = resolve(results.items)
    expect(result?.required).toEqual(['op', 'model', 'id'])
    expect(field(result, 'record').anyOf?.map(resolve)).toEqual([schemas.Product, schemas.Note])
  })

  it('documents POST /transactions without security when auth is off, and only when some model is served', async () => {
    const settings = createSettings({ secretKey: SECRET_KEY })
    const open = new S3verless({ settings, store: memoryStore(), models: [Product], auth: false }).createApp()
    const tx = ((await (await open.request('/openapi.json')).json()) as Document).paths['/transactions']?.post as Operation
    expect(tx.security).toBeUndefined()
    expect(tx.responses).not.toHaveProperty('401')
    expect(tx.responses).not.toHaveProperty('403')
    // Only owner-scoped models: every operation needs a signed-in user.
    const owned = await makeApp({ models: [Note] })
    const signedIn = ((await (await owned.app.request('/openapi.json')).json()) as Document).paths['/transactions']?.post as Operation
    expect(signedIn.security).toEqual([{ bearer: [] }])
    const none = new S3verless({ settings, store: memoryStore(), models: [], auth: false }).createApp()
    expect(((await (await none.request('/openapi.json')).json()) as Document).paths).not.toHaveProperty('/transactions')
  })
})
