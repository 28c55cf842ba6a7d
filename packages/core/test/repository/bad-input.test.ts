import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createDatabase, defineModel, memoryStore } from '../../src/index.js'
import { lamp, setup } from './fixtures.js'

/** Every key in the store except the index catalog: what a rejected call must not have changed. */
const keys = (env: ReturnType<typeof setup>) => env.memory.keys().filter((k) => !k.includes('_meta/'))

describe('bad input gets a coded error and writes nothing', () => {
  it('unknown fields on create, update and replace are refused by name', async () => {
    const env = setup()
    const err = await env.products.create({ ...lamp(), extra: 'boo' } as never).catch((e) => e)
    expect(err.code).toBe('model.validation')
    expect(err.issues).toEqual([expect.objectContaining({ path: ['extra'], message: expect.stringContaining('"extra"') })])
    expect(keys(env)).toEqual([])
    const p = await env.products.create(lamp())
    const before = keys(env)
    for (const call of [
      () => env.products.update(p.id, { extra: 1 } as never),
      () => env.products.update(p.id, { _s3v: { claims: {} } } as never),
      () => env.products.replace(p.id, { ...lamp(), extra: 1 } as never),
    ]) {
      expect((await call().catch((e) => e)).code).toBe('model.validation')
    }
    expect(keys(env)).toEqual(before)
    expect((await env.products.getOrThrow(p.id)).$etag).toBe(p.$etag)
  })

  it("a model may choose Zod's lenient default and strip unknown fields", async () => {
    const Note = defineModel(z.object({ text: z.string() }), { name: 'Note', unknownFields: 'strip' })
    const notes = createDatabase({ store: memoryStore(), models: [Note] }).repository(Note)
    const n = await notes.create({ text: 'hi', extra: 1 } as never)
    expect(n).not.toHaveProperty('extra')
  })

  it('server fields in a create (other than a chosen id), a patch or a replace are refused', async () => {
    const env = setup()
    for (const field of ['createdAt', 'updatedAt', '_s3v', '$etag']) {
      const err = await env.products.create({ ...lamp(), [field]: new Date(0) } as never).catch((e) => e)
      expect(err.code, field).toBe('model.validation')
      expect(err.issues[0].path).toEqual([field])
    }
    expect(keys(env)).toEqual([])
    const p = await env.products.create(lamp())
    const other = '01890a5d-ac96-774b-bcce-b302099a8057'
    expect((await env.products.update(p.id, { id: other } as never).catch((e) => e)).code).toBe('model.validation')
    expect((await env.products.replace(p.id, { ...lamp(), updatedAt: new Date(0) } as never).catch((e) => e)).code).toBe('model.validation')
    expect(await env.products.get(other)).toBeNull()
  })

  it('null and non-object inputs are validation errors, not TypeErrors, and make no request', async () => {
    const env = setup()
    const p = await env.products.create(lamp())
    env.store.reset()
    for (const call of [
      () => env.products.create(null as never),
      () => env.products.create([] as never),
      () => env.products.update(p.id, null as never),
      () => env.products.replace(p.id, 'x' as never),
      () => env.products.createMany([null] as never),
    ]) {
      const err = await call().catch((e) => e)
      expect(err.code).toBe('model.validation')
      expect(err.message).toMatch(/expected an object/)
    }
    expect(env.store.counts().total).toBe(0)
  })

  it('paging options out of range throw query.invalidArgument, like the query builder', async () => {
    const env = setup()
    for (const call of [
      () => env.products.listByPrefix({ limit: -1 }),
      () => env.products.listByPrefix({ limit: 1001 }),
      () => env.products.paginate({ page: -1 }),
      () => env.products.paginate({ page: 1, pageSize: 0 }),
    ]) {
      expect((await call().catch((e) => e)).code).toBe('query.invalidArgument')
    }
  })
})
