import { pbkdf2Hasher } from '@s3verless/auth'
import { createSettings, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { createShop } from '../src/app.js'

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

// The Workers entry itself runs in workerd against Ceph RGW: edge/test/shop.workerd.test.ts.
describe('the shop demo', () => {
  it('serves products, owner-scoped reviews, auth and setup on one store', async () => {
    const { app } = createShop({
      settings: createSettings({ secretKey: 'shop-test-secret-key-of-32-characters!!' }),
      store: memoryStore(),
      setupToken: 'one-time',
      passwordHasher: pbkdf2Hasher({ iterations: 1000 }),
      clientAddress: () => '192.0.2.1',
    })
    const index = (await (await app.request('/')).json()) as { models: { path: string }[] }
    expect(index.models.map((m) => m.path)).toEqual(['/products', '/reviews'])
    const admin = await app.request(
      '/auth/setup',
      json('POST', { setupToken: 'one-time', username: 'boss', email: 'boss@example.com', password: 'correct-horse-7' }),
    )
    expect(admin.status).toBe(201)
    const product = await app.request('/products', json('POST', { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' }))
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
})
