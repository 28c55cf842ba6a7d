import { createSettings, defineModel, memoryStore } from '@s3verless/core'
import { hc } from 'hono/client'
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as z from 'zod'
import { type ProblemDetails, S3verless } from '../src/index.js'

// The README's app: hc<typeof app> must be typed end to end. The @ts-expect-error lines are the type
// test: `npm run typecheck` fails if any of them stops being an error (an unknown field accepted, say).
const Product = defineModel(z.object({ name: z.string(), sku: z.string(), price: z.number(), category: z.enum(['home', 'garden']) }), {
  name: 'Product',
  unique: ['sku'],
  indexed: ['category', 'price'],
})
const Review = defineModel(z.object({ productId: z.string(), rating: z.number().int(), authorId: z.string().optional() }), {
  name: 'Review',
  ownerField: 'authorId',
})
const app = new S3verless({
  title: 'Shop',
  models: [Product, Review],
  store: memoryStore(),
  settings: createSettings({ secretKey: 'a-random-string-of-at-least-32-characters' }),
  maxScan: 1000,
  clientAddress: () => '192.0.2.1',
}).createApp()
const client = hc<typeof app>('http://local', { fetch: (input: RequestInfo | URL, init?: RequestInit) => app.request(input, init) })

describe('hc<typeof app> for the README app', () => {
  it('types request bodies, query parameters and answers, problem+json errors included', async () => {
    const created = await client.products.$post({ json: { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' } })
    expect(created.status).toBe(201)
    if (created.status !== 201) throw new Error('not created')
    const lamp = await created.json()
    expectTypeOf(lamp).toEqualTypeOf<{
      name: string
      sku: string
      price: number
      category: 'home' | 'garden'
      id: string
      createdAt: string
      updatedAt: string
    }>()

    const again = await client.products.$post({ json: { name: 'Lamp', sku: 'L-1', price: 1, category: 'home' } })
    expect(again.status).toBe(409)
    if (again.status === 409) {
      const problem = await again.json()
      expectTypeOf(problem).toEqualTypeOf<ProblemDetails>()
      expect(problem.code).toBe('model.unique')
    }

    const list = await client.products.$get({ query: { category: 'home', price__lt: 50, orderBy: '-price', limit: 10 } })
    if (list.status !== 200) throw new Error(`list answered ${list.status}`)
    const page = await list.json()
    expect(page.items.map((p) => p.sku)).toEqual(['L-1'])

    const patched = await client.products[':id'].$patch({ param: { id: lamp.id }, json: { price: 25 } })
    if (patched.status !== 200) throw new Error(`patch answered ${patched.status}`)
    expect((await patched.json()).price).toBe(25)

    const missing = await client.products[':id'].$get({ param: { id: '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b' } })
    expect(missing.status).toBe(404)

    const bad = await client.products.$get({ query: { price__gt: 'cheap' } })
    expect(bad.status).toBe(422)

    const register = await client.auth.register.$post({ json: { username: 'ann', email: 'ann@example.com', password: 'correct-horse-7' } })
    expect(register.status).toBe(201)
    const login = await client.auth.login.$post({ json: { username: 'ann', password: 'correct-horse-7' } })
    if (login.status !== 200) throw new Error(`login answered ${login.status}`)
    const { accessToken } = await login.json()
    expectTypeOf(accessToken).toEqualTypeOf<string>()
    const review = await client.reviews.$post(
      { json: { productId: lamp.id, rating: 5 } },
      { headers: { authorization: `Bearer ${accessToken}` } },
    )
    expect(review.status).toBe(201)
    expect((await client.reviews.$get({ query: {} })).status).toBe(401)
  })

  it('refuses at compile time what the server would refuse at run time', () => {
    // Only type-checked: never called.
    const never = false as boolean
    if (!never) return
    // @ts-expect-error an unknown field in a create body
    client.products.$post({ json: { name: 'x', sku: 's', price: 1, category: 'home', colour: 'red' } })
    // @ts-expect-error a field of the wrong type
    client.products.$post({ json: { name: 'x', sku: 's', price: '1', category: 'home' } })
    // @ts-expect-error a value outside the enum
    client.products.$post({ json: { name: 'x', sku: 's', price: 1, category: 'toys' } })
    // @ts-expect-error a required field missing
    client.products.$post({ json: { name: 'x', price: 1, category: 'home' } })
    // @ts-expect-error an unknown field in a patch
    client.products[':id'].$patch({ param: { id: 'x' }, json: { colour: 'red' } })
    // @ts-expect-error an unknown filter field in the query string
    client.products.$get({ query: { colour: 'red' } })
    // @ts-expect-error a text operator on a number field
    client.products.$get({ query: { price__icontains: '3' } })
    // @ts-expect-error a model the app does not have
    client.orders.$get({ query: {} })
    // @ts-expect-error login without a password
    client.auth.login.$post({ json: { username: 'ann' } })
  })
})
