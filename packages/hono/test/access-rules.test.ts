import { pbkdf2Hasher, S3AuthService, User } from '@s3verless/auth'
import { belongsTo, createDatabase, createSettings, defineModel, instrumentStore, memoryStore, role } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { S3verless } from '../src/index.js'
import { json, PASSWORD, SECRET_KEY } from './fixtures.js'

// Access rules beyond the matrix: 403 versus 404, the problem+json codes, cascades, and the OpenAPI document.

const Board = defineModel(z.object({ name: z.string() }), {
  name: 'Board',
  access: { list: 'public', get: 'public', create: 'signedIn', update: role('admin'), delete: 'signedIn' },
})
const Card = defineModel(z.object({ boardId: z.string(), text: z.string(), ownerId: z.string().optional() }), {
  name: 'Card',
  ownerField: 'ownerId',
  relations: { board: belongsTo('Board', { foreignKey: 'boardId', onDelete: 'cascade' }) },
})
const Wiki = defineModel(z.object({ text: z.string(), ownerId: z.string().optional() }), {
  name: 'Wiki',
  ownerField: 'ownerId',
  access: { list: 'public', get: 'public', create: 'signedIn', update: 'owner', delete: 'owner' },
})

async function setup() {
  const store = instrumentStore(memoryStore())
  const settings = createSettings({ secretKey: SECRET_KEY })
  const database = createDatabase({ store, models: [Board, Card, Wiki, User] })
  const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }) })
  const app = new S3verless({ settings, database, models: [Board, Card, Wiki], auth: auth as never, rateLimiter: false }).createApp()
  const sign = async (username: string, isAdmin = false) => {
    const user = await auth.createUser({ username, email: `${username}@example.com`, password: PASSWORD, isAdmin } as never)
    const { accessToken } = await auth.createTokenPair(user)
    return { id: user.id, h: { authorization: `Bearer ${accessToken}` } }
  }
  return { app, store, database, alice: await sign('alice'), bob: await sign('bob'), admin: await sign('root', true) }
}

describe('access rules over HTTP', () => {
  it('a record the caller may see but not change is 403; one they may not see, or that does not exist, is 404', async () => {
    const { app, database, alice, bob } = await setup()
    const page = await database.repository(Wiki).create({ text: 'hello', ownerId: alice.id })
    // Wiki pages are public to read, the owner's to change: bob sees alice's page, so he is told he may not.
    const patch = await app.request(`/wikis/${page.id}`, json('PATCH', { text: 'defaced' }, bob.h))
    expect(patch.status).toBe(403)
    expect(patch.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await patch.json()).toMatchObject({ code: 'http.forbidden', model: 'Wiki', operation: 'update' })
    expect((await app.request(`/wikis/${page.id}`, { method: 'DELETE', headers: bob.h })).status).toBe(403)
    const unknown = '0190f5a8-0000-7000-8000-000000000000'
    expect((await app.request(`/wikis/${unknown}`, { method: 'DELETE', headers: bob.h })).status).toBe(404)
    expect((await database.repository(Wiki).getOrThrow(page.id)).text).toBe('hello')
    // Cards are owner-scoped for everything: bob cannot tell alice's card from a missing one.
    const board = await database.repository(Board).create({ name: 'b' })
    const card = await database.repository(Card).create({ boardId: board.id, text: 'mine', ownerId: alice.id })
    for (const [method, body] of [['GET'], ['PATCH', { text: 'x' }], ['PUT', { boardId: board.id, text: 'x' }], ['DELETE']] as const) {
      const init = body ? json(method, body, bob.h) : { method, headers: bob.h }
      const mine = await app.request(`/cards/${card.id}`, init)
      const none = await app.request(`/cards/${unknown}`, body ? json(method, body, bob.h) : { method, headers: bob.h })
      expect([method, mine.status, none.status]).toEqual([method, 404, 404])
      expect(((await mine.json()) as { code: string }).code).toBe(((await none.json()) as { code: string }).code)
    }
    // Signed out: 401 with the sign-in code, for the operations that need it only.
    const anonymous = await app.request(`/wikis/${page.id}`, json('PATCH', { text: 'x' }))
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ code: 'http.unauthorized' })
    expect((await app.request(`/wikis/${page.id}`)).status).toBe(200)
    // A role rule: signed in without the role is 403 before anything is read.
    expect((await app.request(`/boards/${board.id}`, json('PATCH', { name: 'x' }, alice.h))).status).toBe(403)
  })

  it('a delete whose cascade would delete records the caller may not delete is refused before any write (403 access.cascadeForbidden)', async () => {
    const { app, store, database, alice, bob, admin } = await setup()
    const boards = database.repository(Board)
    const cards = database.repository(Card)
    const board = await boards.create({ name: 'shared' })
    await cards.create({ boardId: board.id, text: 'alice', ownerId: alice.id })
    await cards.create({ boardId: board.id, text: 'bob', ownerId: bob.id })
    store.reset()
    const res = await app.request(`/boards/${board.id}`, { method: 'DELETE', headers: alice.h })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const problem = (await res.json()) as Record<string, unknown>
    expect(problem).toMatchObject({ code: 'access.cascadeForbidden', model: 'Board', related: 'Card', id: board.id })
    expect(problem.detail).toMatch(/would also delete Card records \(Board.cards\)|would also delete Card records/)
    expect(store.counts()).toMatchObject({ put: 0, delete: 0, deleteMany: 0 })
    expect(await boards.exists(board.id)).toBe(true)
    expect(await cards.count()).toBe(2)
    // Bulk: one refused cascade among the ids deletes none of them.
    const mine = await boards.create({ name: 'alice only' })
    await cards.create({ boardId: mine.id, text: 'a', ownerId: alice.id })
    const bulk = await app.request('/boards/bulk/delete', json('POST', { ids: [mine.id, board.id] }, alice.h))
    expect(bulk.status).toBe(403)
    expect(await boards.exists(mine.id)).toBe(true)
    // A cascade over the caller's own cards only goes through, and so does an admin's.
    expect((await app.request(`/boards/${mine.id}`, { method: 'DELETE', headers: alice.h })).status).toBe(204)
    expect(await cards.findAllBy('boardId', mine.id)).toEqual([])
    expect((await app.request(`/boards/${board.id}`, { method: 'DELETE', headers: admin.h })).status).toBe(204)
    expect(await cards.count()).toBe(0)
  })

  it('an update predicate sees the change; a create predicate the input with the owner set', async () => {
    const seen: unknown[] = []
    const Post = defineModel(z.object({ title: z.string(), authorId: z.string().optional() }), {
      name: 'Post',
      ownerField: 'authorId',
      access: {
        list: 'public',
        get: 'public',
        create: (user, input) => {
          seen.push(input)
          return input.authorId === user.id && input.title.length < 20
        },
        update: (user, record, change) => record.authorId === user.id && change.title !== 'locked',
        delete: 'owner',
      },
    })
    const store = memoryStore()
    const settings = createSettings({ secretKey: SECRET_KEY })
    const database = createDatabase({ store, models: [Post, User] })
    const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }) })
    const app = new S3verless({ settings, database, models: [Post], auth: auth as never, rateLimiter: false }).createApp()
    const user = await auth.createUser({ username: 'ann', email: 'ann@example.com', password: PASSWORD } as never)
    const h = { authorization: `Bearer ${(await auth.createTokenPair(user)).accessToken}` }
    const created = await app.request('/posts', json('POST', { title: 'hi', authorId: 'someone-else' }, h))
    expect(created.status).toBe(201)
    expect(seen).toEqual([{ title: 'hi', authorId: user.id }])
    expect((await app.request('/posts', json('POST', { title: 'x'.repeat(30) }, h))).status).toBe(403)
    const bulk = await app.request('/posts/bulk', json('POST', { items: [{ title: 'ok' }, { title: 'y'.repeat(30) }] }, h))
    expect(bulk.status).toBe(403)
    expect(await bulk.json()).toMatchObject({ detail: expect.stringMatching(/item 1/) })
    expect(await database.repository(Post).count()).toBe(1) // the bulk wrote nothing
    const { id } = (await created.json()) as { id: string }
    expect((await app.request(`/posts/${id}`, json('PATCH', { title: 'locked' }, h))).status).toBe(403)
    expect((await app.request(`/posts/${id}`, json('PATCH', { title: 'edited' }, h))).status).toBe(200)
  })

  it('malformed rules stop the app from being built, naming the model and operation', () => {
    const Bad = defineModel(z.object({ text: z.string() }), {
      name: 'Bad',
      access: { list: 'public', get: 'public', create: 'signedIn', update: 'owner', delete: 'owner' },
    })
    const settings = createSettings({ secretKey: SECRET_KEY })
    expect(() => new S3verless({ settings, store: memoryStore(), models: [Bad] }).createApp()).toThrow(
      /Model Bad: access.update is 'owner' without an ownerField/,
    )
  })

  it("the OpenAPI document's operations carry the security of their own rule: none when public", async () => {
    const { app } = await setup()
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown>; description?: string }>>
    }
    const security = (path: string, method: string) => doc.paths[path]?.[method]?.security
    const bearer = [{ bearer: [] }]
    // Boards: list/get public, create/delete signed in, update admins.
    expect(security('/boards', 'get')).toBeUndefined()
    expect(security('/boards/search', 'post')).toBeUndefined()
    expect(security('/boards/{id}', 'get')).toBeUndefined()
    expect(security('/boards', 'post')).toEqual(bearer)
    expect(security('/boards/bulk', 'post')).toEqual(bearer)
    expect(security('/boards/{id}', 'patch')).toEqual(bearer)
    expect(security('/boards/{id}', 'put')).toEqual(bearer)
    expect(security('/boards/{id}', 'delete')).toEqual(bearer)
    expect(security('/boards/bulk/delete', 'post')).toEqual(bearer)
    expect(doc.paths['/boards']?.get?.responses).not.toHaveProperty('401')
    expect(doc.paths['/boards/{id}']?.patch?.responses).toHaveProperty('403')
    expect(doc.paths['/boards/{id}']?.patch?.description).toMatch(/admins only/)
    expect(doc.paths['/boards']?.post?.responses).toHaveProperty('401')
    expect(doc.paths['/boards']?.post?.responses).not.toHaveProperty('403')
    // Cards: owner everywhere, so every operation needs the bearer token.
    for (const [path, methods] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/cards'))) {
      for (const [method, op] of Object.entries(methods)) expect([path, method, op.security]).toEqual([path, method, bearer])
    }
    // Wikis: public reads, owner writes.
    expect(security('/wikis', 'get')).toBeUndefined()
    expect(security('/wikis/{id}', 'delete')).toEqual(bearer)
    expect(doc.paths['/wikis/{id}']?.delete?.description).toMatch(/owner \(`ownerId`\)/)
  })
})
