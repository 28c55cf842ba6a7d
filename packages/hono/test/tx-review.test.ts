import { pbkdf2Hasher, S3AuthService, User } from '@s3verless/auth'
import { createDatabase, createSettings, defineModel, instrumentStore, memoryStore, role } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { S3verless } from '../src/index.js'
import { json, PASSWORD, SECRET_KEY } from './fixtures.js'

// Review of issue 23: POST /transactions against the access rules of owner-scoped models.

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
