import { pbkdf2Hasher } from '@s3verless/auth'
import { createSettings, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { createShop } from '../src/app.js'
import { CATALOG_ROLE } from '../src/models.js'

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})
const PASSWORD = 'correct-horse-7'

function shop() {
  return createShop({
    settings: createSettings({ secretKey: 'shop-test-secret-key-of-32-characters!!' }),
    store: memoryStore(),
    setupToken: 'one-time',
    passwordHasher: pbkdf2Hasher({ iterations: 1000 }),
    clientAddress: () => '192.0.2.1',
  })
}
type App = ReturnType<typeof shop>['app']

/** Logs in over HTTP; returns the Authorization header. */
async function signIn(app: App, username: string): Promise<Record<string, string>> {
  const res = await app.request('/auth/login', json('POST', { username, password: PASSWORD }))
  expect(res.status).toBe(200)
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` }
}

/** A shop with an admin, a catalogue editor and two customers, signed in. */
async function populated() {
  const { app, auth } = shop()
  const make = (username: string, extra: object = {}) =>
    auth!.createUser({ username, email: `${username}@example.com`, password: PASSWORD, ...extra } as never)
  await make('boss', { isAdmin: true })
  await make('cat', { roles: [CATALOG_ROLE] })
  await make('ann')
  await make('ben')
  return {
    app,
    boss: await signIn(app, 'boss'),
    cat: await signIn(app, 'cat'),
    ann: await signIn(app, 'ann'),
    ben: await signIn(app, 'ben'),
  }
}

// The Workers entry itself runs in workerd against Ceph RGW: edge/test/shop.workerd.test.ts.
describe('the shop demo', () => {
  it('serves products, owner-scoped reviews, auth and setup on one store', async () => {
    const { app } = shop()
    const index = (await (await app.request('/')).json()) as { models: { path: string }[] }
    expect(index.models.map((m) => m.path)).toEqual(['/products', '/reviews'])
    const admin = await app.request(
      '/auth/setup',
      json('POST', { setupToken: 'one-time', username: 'boss', email: 'boss@example.com', password: 'correct-horse-7' }),
    )
    expect(admin.status).toBe(201)
    const boss = await signIn(app, 'boss')
    const product = await app.request('/products', json('POST', { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' }, boss))
    expect(product.status).toBe(201)
    const { id } = (await product.json()) as { id: string }
    await app.request('/auth/register', json('POST', { username: 'ann', email: 'ann@example.com', password: 'correct-horse-7' }))
    const { accessToken } = (await (
      await app.request('/auth/login', json('POST', { username: 'ann', password: 'correct-horse-7' }))
    ).json()) as { accessToken: string }
    const review = await app.request('/reviews', json('POST', { productId: id, rating: 5 }, { authorization: `Bearer ${accessToken}` }))
    expect(review.status).toBe(201)
    expect((await app.request('/reviews')).status).toBe(401)
    expect((await app.request('/products?category=home&orderBy=-price')).status).toBe(200)
  })

  it('products are public to read and admin (or catalog role) to write: signed out 401, a customer 403', async () => {
    const { app, boss, cat, ann } = await populated()
    const lamp = { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' }
    const created = await app.request('/products', json('POST', lamp, boss))
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const writes = (headers: Record<string, string>) => [
      app.request('/products', json('POST', { ...lamp, sku: `L-${Math.random()}` }, headers)),
      app.request('/products/bulk', json('POST', { items: [{ ...lamp, sku: `B-${Math.random()}` }] }, headers)),
      app.request(`/products/${id}`, json('PATCH', { price: 1 }, headers)),
      app.request(`/products/${id}`, json('PUT', { ...lamp, price: 1 }, headers)),
      app.request('/products/bulk/delete', json('POST', { ids: [id] }, headers)),
      app.request(`/products/${id}`, { method: 'DELETE', headers }),
    ]
    const statuses = async (headers: Record<string, string>) => (await Promise.all(writes(headers))).map((r) => r.status)
    expect(await statuses({})).toEqual([401, 401, 401, 401, 401, 401])
    expect(await statuses(ann)).toEqual([403, 403, 403, 403, 403, 403])
    const refused = await app.request(`/products/${id}`, json('PATCH', { price: 1 }, ann))
    expect(await refused.json()).toMatchObject({ code: 'http.forbidden', model: 'Product', operation: 'update' })
    const product = (await (await app.request(`/products/${id}`)).json()) as { price: number }
    expect(product.price).toBe(30) // nothing changed
    expect((await app.request('/products?category=home')).status).toBe(200)
    expect((await app.request('/products/search', json('POST', { filter: { category: 'home' } }))).status).toBe(200)
    // The catalogue role writes like an admin.
    expect((await app.request(`/products/${id}`, json('PATCH', { price: 25 }, cat))).status).toBe(200)
    // The OpenAPI document says so: reads without security, writes with the bearer scheme.
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown }>> }
    expect(doc.paths['/products']?.get?.security).toBeUndefined()
    expect(doc.paths['/products']?.post?.security).toEqual([{ bearer: [] }])
  })

  it('reviews stay private: signed out 401, another customer sees none of them and gets 404 for each', async () => {
    const { app, boss, ann, ben } = await populated()
    const product = await app.request('/products', json('POST', { name: 'Rug', sku: 'R-1', price: 80, category: 'home' }, boss))
    const { id: productId } = (await product.json()) as { id: string }
    const review = await app.request('/reviews', json('POST', { productId, rating: 4, text: 'soft' }, ann))
    expect(review.status).toBe(201)
    const { id } = (await review.json()) as { id: string }
    expect((await app.request('/reviews')).status).toBe(401)
    expect((await app.request(`/reviews/${id}`)).status).toBe(401)
    expect((await app.request('/reviews/search', json('POST', {}))).status).toBe(401)
    const list = (await (await app.request('/reviews', { headers: ben })).json()) as { items: unknown[] }
    expect(list.items).toEqual([])
    const search = (await (await app.request('/reviews/search', json('POST', { filter: { productId } }, ben))).json()) as {
      items: unknown[]
    }
    expect(search.items).toEqual([])
    expect((await app.request(`/reviews/${id}`, { headers: ben })).status).toBe(404)
    expect((await app.request(`/reviews/${id}`, json('PATCH', { rating: 1 }, ben))).status).toBe(404)
    expect((await app.request(`/reviews/${id}`, { method: 'DELETE', headers: ben })).status).toBe(404)
    expect((await app.request('/reviews/bulk/delete', json('POST', { ids: [id] }, ben))).status).toBe(404)
    const mine = (await (await app.request('/reviews', { headers: ann })).json()) as { items: { id: string }[] }
    expect(mine.items.map((r) => r.id)).toEqual([id])
    const all = (await (await app.request('/reviews', { headers: boss })).json()) as { items: unknown[] }
    expect(all.items).toHaveLength(1)
  })

  it("a product delete is refused (403 access.cascadeForbidden, nothing deleted) when its cascade would delete customers' reviews the caller may not", async () => {
    const { app, boss, cat, ann } = await populated()
    const make = async (sku: string) => {
      const res = await app.request('/products', json('POST', { name: sku, sku, price: 5, category: 'toys' }, cat))
      return ((await res.json()) as { id: string }).id
    }
    const reviewed = await make('T-1')
    const quiet = await make('T-2')
    const review = await app.request('/reviews', json('POST', { productId: reviewed, rating: 5 }, ann))
    const { id: reviewId } = (await review.json()) as { id: string }
    const refused = await app.request(`/products/${reviewed}`, { method: 'DELETE', headers: cat })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await refused.json()).toMatchObject({ code: 'access.cascadeForbidden', model: 'Product', related: 'Review' })
    expect((await app.request(`/products/${reviewed}`)).status).toBe(200)
    expect((await app.request(`/reviews/${reviewId}`, { headers: ann })).status).toBe(200)
    // A bulk delete holding it deletes nothing, not even the product without reviews.
    expect((await app.request('/products/bulk/delete', json('POST', { ids: [quiet, reviewed] }, cat))).status).toBe(403)
    expect((await app.request(`/products/${quiet}`)).status).toBe(200)
    // Without reviews the catalogue editor may delete; an admin may delete any, and the reviews go with it.
    expect((await app.request(`/products/${quiet}`, { method: 'DELETE', headers: cat })).status).toBe(204)
    expect((await app.request(`/products/${reviewed}`, { method: 'DELETE', headers: boss })).status).toBe(204)
    expect((await app.request(`/reviews/${reviewId}`, { headers: ann })).status).toBe(404)
  })
})
