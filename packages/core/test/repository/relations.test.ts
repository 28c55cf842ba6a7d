import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { belongsTo, createDatabase, defineModel, hasMany, hasOne, instrumentStore, memoryStore, type OnDelete } from '../../src/index.js'
import { setup } from './fixtures.js'

function blog(onDelete: OnDelete) {
  const User = defineModel(z.object({ name: z.string() }), {
    name: 'User',
    plural: 'people',
    relations: {
      posts: hasMany('Post', { foreignKey: 'authorId', onDelete }),
      profile: hasOne('Profile', { foreignKey: 'userId', onDelete: 'cascade' }),
    },
  })
  const Post = defineModel(z.object({ title: z.string(), authorId: z.string().nullable() }), {
    name: 'Post',
    relations: { author: belongsTo('User', { foreignKey: 'authorId' }) },
  })
  const Profile = defineModel(z.object({ bio: z.string(), userId: z.string() }), { name: 'Profile' })
  const store = instrumentStore(memoryStore())
  const db = createDatabase({ store, models: [User, Post, Profile] })
  return { store, users: db.repository(User), posts: db.repository(Post), profiles: db.repository(Profile) }
}

async function seed(env: ReturnType<typeof blog>) {
  const ada = await env.users.create({ name: 'Ada' })
  const bob = await env.users.create({ name: 'Bob' })
  const posts = await env.posts.createMany([
    { title: 'one', authorId: ada.id },
    { title: 'two', authorId: ada.id },
    { title: 'three', authorId: bob.id },
  ])
  await env.profiles.create({ bio: 'math', userId: ada.id })
  return { ada, bob, posts }
}

describe('relations', () => {
  it('indexes foreign keys automatically, on both sides of the relation', () => {
    const env = blog('doNothing')
    expect(env.posts.core.plan.ascending).toContain('authorId')
    expect(env.profiles.core.plan.ascending).toContain('userId')
  })

  it('cascade deletes dependents found through the foreign-key index, never a scan', async () => {
    const env = blog('cascade')
    const { ada, bob } = await seed(env)
    env.store.reset()
    await env.users.delete(ada.id)
    expect(env.store.counts().list).toBe(2)
    expect((await env.posts.listByPrefix()).items.map((p) => p.title)).toEqual(['three'])
    expect(await env.profiles.count()).toBe(0)
    expect(await env.users.exists(bob.id)).toBe(true)
  })

  it('setNull clears the foreign key of dependents', async () => {
    const env = blog('setNull')
    const { ada } = await seed(env)
    await env.users.delete(ada.id)
    const posts = (await env.posts.listByPrefix()).items
    expect(posts.map((p) => [p.title, p.authorId === null])).toEqual([
      ['one', true],
      ['two', true],
      ['three', false],
    ])
    expect(await env.posts.findAllBy('authorId', null)).toHaveLength(2)
  })

  it('restrict refuses the delete before anything changes', async () => {
    const env = blog('restrict')
    const { ada } = await seed(env)
    const before = await env.users.getOrThrow(ada.id)
    const err = await env.users.delete(ada.id).catch((e) => e)
    expect(err.code).toBe('model.restricted')
    expect(err.message).toContain('User.posts')
    expect((await env.users.getOrThrow(ada.id)).$etag).toBe(before.$etag)
    expect(await env.profiles.count()).toBe(1)
    expect(await env.posts.count()).toBe(3)
    for (const p of await env.posts.findAllBy('authorId', ada.id)) await env.posts.delete(p.id)
    expect(await env.users.delete(ada.id)).toBe(true)
  })

  it('a mayCascade guard refusing a dependent anywhere in the tree refuses the delete before any write', async () => {
    const env = blog('cascade')
    const { ada } = await seed(env)
    const seen: string[] = []
    const noProfiles = (model: { name: string }, record: Record<string, unknown>) => {
      seen.push(`${model.name}:${String(record.title ?? record.bio)}`)
      return model.name !== 'Profile'
    }
    expect(await env.users.checkDelete(ada.id, { mayCascade: (m) => m.name !== 'Profile' }).catch((e) => e.code)).toBe(
      'access.cascadeForbidden',
    )
    env.store.reset()
    const err = await env.users.delete(ada.id, { mayCascade: noProfiles }).catch((e) => e)
    expect(err.code).toBe('access.cascadeForbidden')
    expect(err.details).toMatchObject({ model: 'User', id: ada.id, related: 'Profile', relation: 'User.profile' })
    expect(env.store.counts()).toMatchObject({ put: 0, delete: 0, deleteMany: 0 })
    expect(seen).toContain('Profile:math')
    expect(await env.posts.count()).toBe(3)
    expect(await env.profiles.count()).toBe(1)
    expect(await env.users.exists(ada.id)).toBe(true)
    // Allowed everywhere: the guard saw every record of the tree, and the delete cascades as usual.
    seen.length = 0
    expect(await env.users.checkDelete(ada.id, { mayCascade: (m, r) => noProfiles(m, r) || true })).toBe(true)
    expect(seen.sort()).toEqual(['Post:one', 'Post:two', 'Profile:math'])
    expect(await env.users.delete(ada.id, { mayCascade: () => true })).toBe(true)
    expect(await env.posts.count()).toBe(1)
  })

  it.each(['cascade', 'setNull'] as const)(
    '%s reaches every one of 2,500 dependents, reading them a window of 1,000 at a time',
    async (onDelete) => {
      const env = blog(onDelete)
      const ada = await env.users.create({ name: 'Ada' })
      const bob = await env.users.create({ name: 'Bob' })
      for (let i = 0; i < 2500; i += 500)
        await env.posts.createMany(Array.from({ length: 500 }, (_, j) => ({ title: `p${i + j}`, authorId: ada.id })))
      await env.posts.create({ title: 'kept', authorId: bob.id })
      await env.users.delete(ada.id)
      expect(await env.users.get(ada.id)).toBeNull()
      const left = []
      for await (const post of env.posts.iterate()) left.push(post)
      if (onDelete === 'cascade') expect(left.map((p) => p.title)).toEqual(['kept'])
      else {
        expect(left).toHaveLength(2501)
        expect(left.filter((p) => p.authorId !== null).map((p) => p.title)).toEqual(['kept'])
      }
      expect((await env.posts.verify()).missingIndexEntries).toEqual([])
    },
    120_000,
  )

  it('doNothing leaves dependents pointing at the deleted record', async () => {
    const env = blog('doNothing')
    const { ada } = await seed(env)
    await env.users.delete(ada.id)
    expect(await env.posts.findAllBy('authorId', ada.id)).toHaveLength(2)
  })

  it('loads relations for many records in batched lookups', async () => {
    const env = blog('doNothing')
    const { ada, bob, posts } = await seed(env)
    env.store.reset()
    const authors = await env.posts.loadRelated(posts, 'author')
    expect(env.store.counts()).toMatchObject({ get: 2, list: 0 })
    expect((authors.get(posts[0]!.id) as { name: string }).name).toBe('Ada')
    expect((authors.get(posts[2]!.id) as { name: string }).name).toBe('Bob')
    env.store.reset()
    const byUser = await env.users.loadRelated([ada, bob], 'posts')
    expect(env.store.counts()).toMatchObject({ list: 2, get: 3 })
    expect((byUser.get(ada.id) as { title: string }[]).map((p) => p.title).sort()).toEqual(['one', 'two'])
    const profiles = await env.users.loadRelated([ada, bob], 'profile')
    expect(profiles.get(ada.id)).toMatchObject({ bio: 'math' })
    expect(profiles.get(bob.id)).toBeNull()
    await expect(env.users.loadRelated([ada], 'friends')).rejects.toThrow(/User has no relation "friends" \(relations: posts, profile\)/)
  })

  it('cascades through the shared fixtures too (hasMany declared on the parent)', async () => {
    const { authors, books } = setup()
    const a = await authors.create({ name: 'A', email: 'a@example.com' })
    await books.create({ title: 'B1', authorId: a.id })
    await authors.delete(a.id)
    expect(await books.count()).toBe(0)
  })
})
