import { pbkdf2Hasher, S3AuthService, User } from '@s3verless/auth'
import { createDatabase, createSettings, defineModel, instrumentStore, memoryStore, role } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { S3verless } from '../src/index.js'
import { json, PASSWORD, SECRET_KEY } from './fixtures.js'

// POST /transactions: several operations on several models, all or none, each under its model's access rules.

const Item = defineModel(z.object({ name: z.string(), stock: z.number().int().nonnegative(), sku: z.string() }), {
  name: 'Item',
  unique: ['sku'],
  access: { list: 'public', get: 'public', create: role('staff'), update: 'signedIn', delete: role('staff') },
})
const Purchase = defineModel(z.object({ itemId: z.string(), qty: z.number().int().positive(), ownerId: z.string().optional() }), {
  name: 'Purchase',
  ownerField: 'ownerId',
  indexed: ['itemId'],
})

async function setup() {
  const store = instrumentStore(memoryStore())
  const settings = createSettings({ secretKey: SECRET_KEY })
  const database = createDatabase({ store, models: [Item, Purchase, User] })
  const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }) })
  const app = new S3verless({ settings, database, models: [Item, Purchase], auth: auth as never, rateLimiter: false }).createApp()
  const sign = async (username: string, roles: string[] = []) => {
    const user = await auth.createUser({ username, email: `${username}@example.com`, password: PASSWORD, roles } as never)
    const { accessToken } = await auth.createTokenPair(user)
    return { id: user.id, h: { authorization: `Bearer ${accessToken}` } }
  }
  const item = await database.repository(Item).create({ name: 'Lamp', stock: 2, sku: 'L' })
  return { app, database, item, alice: await sign('alice'), bob: await sign('bob'), staff: await sign('sam', ['staff']) }
}

const buy = (itemId: string, stock: number, ifMatch?: string) => ({
  operations: [
    { op: 'update', model: 'items', id: itemId, data: { stock }, ...(ifMatch ? { ifMatch } : {}) },
    { op: 'create', model: 'purchases', data: { itemId, qty: 1 } },
  ],
})

describe('POST /transactions', () => {
  it('applies every operation together and answers each result; the owner field is the caller', async () => {
    const { app, database, item, alice } = await setup()
    const res = await app.request('/transactions', json('POST', buy(item.id, 1), alice.h))
    expect(res.status).toBe(200)
    const { results } = (await res.json()) as { results: { op: string; model: string; id: string; record: Record<string, unknown> }[] }
    expect(results.map((r) => [r.op, r.model])).toEqual([
      ['update', 'items'],
      ['create', 'purchases'],
    ])
    expect(results[1]?.record.ownerId).toBe(alice.id)
    expect((await database.repository(Item).getOrThrow(item.id)).stock).toBe(1)
    expect(await database.repository(Purchase).findAllBy('itemId', item.id)).toHaveLength(1)
  })

  it('one operation the access rules refuse fails the whole request (403/401) with nothing written', async () => {
    const { app, database, item, alice, staff } = await setup()
    const mixed = { operations: [...buy(item.id, 0).operations, { op: 'delete', model: 'items', id: item.id }] }
    const refused = await app.request('/transactions', json('POST', mixed, alice.h))
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await refused.json()).toMatchObject({ code: 'http.forbidden', model: 'Item', operation: 'delete' })
    expect((await app.request('/transactions', json('POST', buy(item.id, 0)))).status).toBe(401)
    expect((await database.repository(Item).getOrThrow(item.id)).stock).toBe(2)
    expect(await database.repository(Purchase).count()).toBe(0)
    // An owner-scoped record of someone else is not found for the caller.
    const sams = await database.repository(Purchase).create({ itemId: item.id, qty: 1, ownerId: staff.id })
    const other = await app.request(
      '/transactions',
      json('POST', { operations: [{ op: 'update', model: 'purchases', id: sams.id, data: { qty: 5 } }] }, alice.h),
    )
    expect(other.status).toBe(404)
    expect((await database.repository(Purchase).getOrThrow(sams.id)).qty).toBe(1)
  })

  it('a stale ifMatch is 412, a unique value taken 409, a bad body 422 naming the operation; nothing written', async () => {
    const { app, database, item, alice, staff } = await setup()
    const stale = await app.request('/transactions', json('POST', buy(item.id, 1, 'not-the-etag'), alice.h))
    expect(stale.status).toBe(412)
    const taken = await app.request(
      '/transactions',
      json('POST', { operations: [{ op: 'create', model: 'items', data: { name: 'x', stock: 1, sku: 'L' } }] }, staff.h),
    )
    expect(taken.status).toBe(409)
    expect(await taken.json()).toMatchObject({ code: 'model.unique' })
    const bad = await app.request('/transactions', json('POST', { operations: [{ op: 'upsert', model: 'items' }] }, alice.h))
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ code: 'http.validation', errors: [{ path: ['operations', 0, 'op'] }] })
    const unknown = await app.request(
      '/transactions',
      json('POST', { operations: [{ op: 'create', model: 'secrets', data: {} }] }, alice.h),
    )
    expect(unknown.status).toBe(422)
    const many = { operations: Array.from({ length: 26 }, () => ({ op: 'create', model: 'purchases', data: { itemId: item.id, qty: 1 } })) }
    expect((await app.request('/transactions', json('POST', many, alice.h))).status).toBe(422)
    const invalid = await app.request('/transactions', json('POST', buy(item.id, -1), alice.h))
    expect(invalid.status).toBe(422)
    expect((await database.repository(Item).getOrThrow(item.id)).stock).toBe(2)
    expect(await database.repository(Purchase).count()).toBe(0)
  })
})

describe('POST /transactions on a record of another owner', () => {
  // The route checks an operation's `ifMatch` against the record read (transaction-route.ts, the
  // `preconditionFailed` before `checkRecord`) before the record rule: a record the caller may not
  // see answers 412 to a wrong `ifMatch`, where one that does not exist answers 404. The model
  // routes (PATCH/DELETE /purchases/:id with If-Match) check the rule first and answer 404 for both,
  // as README "Over HTTP" promises for the transaction route too ("404 for a record the caller may
  // not see"): the transaction route reveals which ids of other owners exist.
  it.each(['update', 'delete'] as const)('%s with a wrong ifMatch answers 404, as for an id that does not exist', async (op) => {
    const { app, database, item, alice, staff } = await setup()
    const sams = await database.repository(Purchase).create({ itemId: item.id, qty: 1, ownerId: staff.id })
    const absent = '0190a0b4-6c2e-7c3a-9f00-00000000abcd'
    const attempt = (id: string) =>
      app.request(
        '/transactions',
        json(
          'POST',
          { operations: [{ op, model: 'purchases', id, ifMatch: '"guess"', ...(op === 'update' ? { data: { qty: 5 } } : {}) }] },
          alice.h,
        ),
      )
    const rest = await app.request(`/purchases/${sams.id}`, {
      ...json(op === 'update' ? 'PATCH' : 'DELETE', op === 'update' ? { qty: 5 } : undefined, alice.h),
      headers: { ...alice.h, 'content-type': 'application/json', 'if-match': '"guess"' },
    })
    expect(rest.status).toBe(404) // the model routes do not reveal it
    expect((await attempt(absent)).status).toBe(404)
    expect((await attempt(sams.id)).status).toBe(404) // observed: 412 (the record exists)
    expect((await database.repository(Purchase).getOrThrow(sams.id)).qty).toBe(1)
  })
})
