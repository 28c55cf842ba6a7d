import { createDatabase, memoryStore } from '@s3verless/core'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { modelRoutes } from '../src/index.js'
import { json, Product } from './fixtures.js'

describe('modelRoutes mounted in a plain Hono app', () => {
  it('needs only a database (limits have defaults) and answers errors as problem+json with its own handler', async () => {
    const database = createDatabase({ store: memoryStore(), models: [Product] })
    const serverErrors: unknown[] = []
    const app = new Hono().route('/products', modelRoutes(Product, { database, onServerError: (e) => serverErrors.push(e) }))
    const garbled = await app.request('/products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' })
    expect(garbled.status).toBe(400)
    expect(garbled.headers.get('content-type')).toBe('application/problem+json')
    const invalid = await app.request('/products', json('POST', { name: 'Lamp' }))
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { code: string }).code).toBe('model.validation')
    const created = await app.request('/products', json('POST', { name: 'Lamp', sku: 'L', price: 3, category: 'home' }))
    expect(created.status).toBe(201)
    const list = (await (await app.request('/products?limit=1000')).json()) as { code: string; errors: unknown[] }
    expect(list.code).toBe('http.validation') // over the default maxLimit of 100
    expect(serverErrors).toEqual([])
  })
})
