import { pbkdf2Hasher, S3AuthService, User } from '@s3verless/auth'
import { type AccessRules, createDatabase, createSettings, defineModel, memoryStore, role } from '@s3verless/core'
import { PresignedUploadService, UploadedFile } from '@s3verless/storage'
import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { S3verless, type UploadAccessRules } from '../src/index.js'
import { json, PASSWORD, SECRET_KEY } from './fixtures.js'

// The access-rule matrix: every operation × every rule kind × every kind of caller, over the REST
// routes, bulk, search and the upload routes, with the status each cell must answer.

const CALLERS = ['anonymous', 'user', 'owner', 'editor', 'admin'] as const
type Caller = (typeof CALLERS)[number]
const KINDS = ['public', 'signedIn', 'owner', 'role', 'predicate'] as const
type Kind = (typeof KINDS)[number]
type Op = 'list' | 'get' | 'create' | 'update' | 'delete'
type Row = readonly [anonymous: number, user: number, owner: number, editor: number, admin: number]

/**
 * Who the callers are: `user` is a signed-in user the predicate rules favour (the target record is
 * shared with them) but who owns nothing; `owner` owns the target; `editor` has the `editor` role
 * (the role rules' role); `admin` is an admin. Every rule kind applies to all five operations of
 * its model, so "may not see it" (404) and "may see it but not do this" (403) follow the get rule.
 */
const EXPECTED: Record<Kind, Record<Op, Row>> = {
  public: {
    list: [200, 200, 200, 200, 200],
    get: [200, 200, 200, 200, 200],
    create: [201, 201, 201, 201, 201],
    update: [200, 200, 200, 200, 200],
    delete: [204, 204, 204, 204, 204],
  },
  signedIn: {
    list: [401, 200, 200, 200, 200],
    get: [401, 200, 200, 200, 200],
    create: [401, 201, 201, 201, 201],
    update: [401, 200, 200, 200, 200],
    delete: [401, 204, 204, 204, 204],
  },
  owner: {
    list: [401, 200, 200, 200, 200], // each sees their own only (admins all): see SEEN
    get: [401, 404, 200, 404, 200],
    create: [401, 201, 201, 201, 201], // stamped with the caller as owner
    update: [401, 404, 200, 404, 200],
    delete: [401, 404, 204, 404, 204],
  },
  role: {
    list: [401, 403, 403, 200, 200],
    get: [401, 403, 403, 200, 200],
    create: [401, 403, 403, 201, 201],
    update: [401, 403, 403, 200, 200],
    delete: [401, 403, 403, 204, 204],
  },
  predicate: {
    list: [401, 200, 403, 403, 200],
    get: [401, 200, 404, 404, 200],
    create: [401, 201, 403, 403, 201],
    update: [401, 200, 404, 404, 200],
    delete: [401, 204, 404, 404, 204],
  },
}

/** Which of the two listed records (the owner's target, the admin's other) a 200 list shows. */
const SEEN: Record<Kind, Partial<Record<Caller, ('target' | 'other')[]>>> = {
  public: Object.fromEntries(CALLERS.map((c) => [c, ['target', 'other']])),
  signedIn: { user: ['target', 'other'], owner: ['target', 'other'], editor: ['target', 'other'], admin: ['target', 'other'] },
  owner: { user: [], owner: ['target'], editor: [], admin: ['target', 'other'] },
  role: { editor: ['target', 'other'], admin: ['target', 'other'] },
  predicate: { user: ['target', 'other'], admin: ['target', 'other'] },
}

const shape = z.object({ title: z.string(), ownerId: z.string().optional(), sharedWith: z.array(z.string()).default([]) })
type Doc = z.output<typeof shape> & { id: string; createdAt: Date; updatedAt: Date }
let friend = '' // the `user` caller's id, known once signed up

function rulesOf(kind: Kind): AccessRules<Doc, z.input<typeof shape>> {
  if (kind === 'role') {
    const editor = role('editor')
    return { list: editor, get: editor, create: editor, update: editor, delete: editor }
  }
  if (kind === 'predicate') {
    return {
      list: (user) => user.id === friend,
      get: (user, record) => record.sharedWith.includes(user.id),
      create: async (user, input) => (input.sharedWith ?? []).includes(user.id),
      update: (user, record, change) => record.sharedWith.includes(user.id) && change.title !== 'forbidden',
      delete: (user, record) => record.sharedWith.includes(user.id),
    }
  }
  return { list: kind, get: kind, create: kind, update: kind, delete: kind }
}

const models = Object.fromEntries(
  KINDS.map((kind) => [
    kind,
    defineModel(shape, { name: `Doc_${kind}`, plural: `docs-${kind.toLowerCase()}`, ownerField: 'ownerId', access: rulesOf(kind) }),
  ]),
) as Record<Kind, ReturnType<typeof defineModel<typeof shape, string, string>>>

const settings = createSettings({ secretKey: SECRET_KEY })
const uploadRules = (kind: Kind): UploadAccessRules => {
  if (kind === 'role') return { get: role('editor'), create: role('editor'), delete: role('editor') }
  if (kind === 'predicate') {
    return {
      get: (user, file) => file.filename === `for-${user.id}.txt`,
      create: (user, input) => input.filename === `for-${user.id}.txt`,
      delete: (user, file) => file.filename === `for-${user.id}.txt`,
    }
  }
  return { get: kind, create: kind === 'owner' ? 'owner' : kind, delete: kind }
}

/** One database, its users, the docs app and one uploads app per rule kind (upload rules are per app). */
async function world() {
  const database = createDatabase({ store: memoryStore(), models: [...Object.values(models), User, UploadedFile] })
  const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }) })
  const base = { settings, database, auth: auth as never, rateLimiter: false as const }
  const app = new S3verless({ ...base, models: Object.values(models) }).createApp()
  const uploads = { allowedContentTypes: ['text/plain'], maxFileSize: 1024 }
  const uploadApps = Object.fromEntries(
    KINDS.map((kind) => [kind, new S3verless({ ...base, uploads, uploadAccess: uploadRules(kind) }).createApp()]),
  ) as Record<Kind, typeof app>
  const headers: Record<Caller, Record<string, string>> = { anonymous: {}, user: {}, owner: {}, editor: {}, admin: {} }
  const ids: Record<Caller, string> = { anonymous: '', user: '', owner: '', editor: '', admin: '' }
  for (const caller of CALLERS.filter((c) => c !== 'anonymous')) {
    const user = await auth.createUser({
      username: caller,
      email: `${caller}@example.com`,
      password: PASSWORD,
      isAdmin: caller === 'admin',
      roles: caller === 'editor' ? ['editor'] : [],
    } as never)
    const tokens = await auth.createTokenPair(user)
    headers[caller] = { authorization: `Bearer ${tokens.accessToken}` }
    ids[caller] = user.id
  }
  friend = ids.user
  // Two listed records per model: the owner's (shared with the user) and the admin's.
  const listed = new Map<string, 'target' | 'other'>()
  for (const model of Object.values(models)) {
    const repo = database.repository(model)
    listed.set((await repo.create({ title: 'listed', ownerId: ids.owner, sharedWith: [ids.user] } as never)).id, 'target')
    listed.set((await repo.create({ title: 'listed', ownerId: ids.admin } as never)).id, 'other')
  }
  const service = new PresignedUploadService({ config: uploads, basePath: database.basePath })
  return { database, app, uploadApps, headers, ids, service, listed }
}

describe('access-rule matrix: 5 operations × 5 rule kinds × anonymous, user, owner, editor, admin', () => {
  let w: Awaited<ReturnType<typeof world>>
  beforeAll(async () => {
    w = await world()
  })

  /** A fresh record owned by the `owner` caller and shared with the `user` caller. */
  const target = (kind: Kind, title = 'target') =>
    w.database.repository(models[kind]).create({ title, ownerId: w.ids.owner, sharedWith: [w.ids.user] } as never)

  const cells = KINDS.flatMap((kind) => CALLERS.map((caller, i) => ({ kind, caller, i })))

  it.each(cells)(
    'REST $kind rules, caller $caller: list, get, create, update, delete answer as the table says',
    async ({ kind, caller, i }) => {
      const path = `/${models[kind].plural}`
      const h = w.headers[caller]
      const want = EXPECTED[kind]
      const got: Record<Op, number> = { list: 0, get: 0, create: 0, update: 0, delete: 0 }

      const list = await w.app.request(`${path}?title=listed&limit=10`, { headers: h })
      got.list = list.status
      if (list.status === 200) {
        const names = ((await list.json()) as { items: Doc[] }).items.map((d) => w.listed.get(d.id)).sort()
        expect(names, `${kind} list seen by ${caller}`).toEqual([...(SEEN[kind][caller] ?? [])].sort())
      }
      const record = await target(kind)
      got.get = (await w.app.request(`${path}/${record.id}`, { headers: h })).status
      const created = await w.app.request(path, json('POST', { title: 'created', sharedWith: [w.ids.user] }, h))
      got.create = created.status
      if (created.status === 201) {
        const body = (await created.json()) as Doc
        expect(body.ownerId, 'the owner is always the caller').toBe(caller === 'anonymous' ? undefined : w.ids[caller])
      }
      got.update = (await w.app.request(`${path}/${record.id}`, json('PATCH', { title: 'changed' }, h))).status
      got.delete = (await w.app.request(`${path}/${record.id}`, { method: 'DELETE', headers: h })).status
      expect(got).toEqual(Object.fromEntries((['list', 'get', 'create', 'update', 'delete'] as const).map((op) => [op, want[op][i]])))
      // A refused update or delete wrote nothing.
      const after = await w.database.repository(models[kind]).get(record.id)
      if (want.delete[i] !== 204) expect((after as Doc | null)?.title).toBe(want.update[i] === 200 ? 'changed' : 'target')
    },
  )

  it.each(cells)(
    'bulk and search, $kind rules, caller $caller: search follows list, bulk follows create and delete',
    async ({ kind, caller, i }) => {
      const path = `/${models[kind].plural}`
      const h = w.headers[caller]
      const want = EXPECTED[kind]
      const search = await w.app.request(`${path}/search`, json('POST', { filter: { title: 'listed' } }, h))
      expect(search.status, 'search').toBe(want.list[i])
      if (search.status === 200)
        expect(((await search.json()) as { items: unknown[] }).items).toHaveLength(SEEN[kind][caller]?.length ?? -1)
      const bulk = await w.app.request(
        `${path}/bulk`,
        json(
          'POST',
          {
            items: [
              { title: 'bulk', sharedWith: [w.ids.user] },
              { title: 'bulk', sharedWith: [w.ids.user] },
            ],
          },
          h,
        ),
      )
      expect(bulk.status, 'bulk create').toBe(want.create[i])
      const records = [await target(kind), await target(kind)]
      const bulkDelete = await w.app.request(`${path}/bulk/delete`, json('POST', { ids: records.map((r) => r.id) }, h))
      expect(bulkDelete.status, 'bulk delete').toBe(want.delete[i] === 204 ? 200 : want.delete[i])
      const left = await w.database.repository(models[kind]).getMany(records.map((r) => r.id))
      expect(left, 'a refused bulk delete deletes none').toHaveLength(want.delete[i] === 204 ? 0 : 2)
    },
  )

  it.each(cells)(
    'uploads, $kind rules, caller $caller: get and download follow get, presign and PUT create, DELETE delete',
    async ({ kind, caller, i }) => {
      const app = w.uploadApps[kind]
      const h = w.headers[caller]
      const want = EXPECTED[kind]
      const name = `for-${w.ids.user}.txt` // the predicate rules' file: named for the `user` caller
      const file = await w.service.storeUpload(w.database.store, {
        filename: name,
        contentType: 'text/plain',
        body: new TextEncoder().encode('hello'),
        uploadedBy: w.ids.owner,
      })
      expect((await app.request(`/uploads/${file.id}`, { headers: h })).status, 'get').toBe(want.get[i])
      expect((await app.request(`/uploads/${file.id}/download`, { headers: h })).status, 'download').toBe(want.get[i])
      const put = await app.request(`/uploads/files/${name}`, {
        method: 'PUT',
        headers: { ...h, 'content-type': 'text/plain' },
        body: 'hi',
      })
      expect(put.status, 'PUT').toBe(want.create[i])
      // The memory store cannot presign: a caller the rule lets through reaches that 501, the others never do.
      const presign = await app.request('/uploads/presign', json('POST', { filename: name, size: 2, contentType: 'text/plain' }, h))
      expect(presign.status, 'presign').toBe(want.create[i] === 201 ? 501 : want.create[i])
      expect((await app.request(`/uploads/${file.id}`, { method: 'DELETE', headers: h })).status, 'delete').toBe(want.delete[i])
    },
  )
})
