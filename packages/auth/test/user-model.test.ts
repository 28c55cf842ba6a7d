import {
  belongsTo,
  createDatabase,
  createSettings,
  defineModel,
  hasMany,
  type InferRecord,
  isS3verlessError,
  memoryStore,
} from '@s3verless/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as z from 'zod'
import { bcryptHasher, createUserModel, publicUser, S3AuthService, User } from '../src/index.js'
import { PASSWORD, SECRET } from './fixtures.js'

describe('the user model', () => {
  it('is a model under the reserved users plural, which applications cannot take', () => {
    expect(User).toMatchObject({ name: 'User', plural: 'users', enableApi: false })
    expect(User.unique).toEqual(['username', 'normalizedUsername', 'normalizedEmail'])
    expect(User.hidden).toEqual(['normalizedUsername', 'normalizedEmail', 'hashedPassword', 'tokenVersion'])
    expect(() => defineModel(z.object({ name: z.string() }), { name: 'Member', plural: 'users' })).toThrow(/plural "users" is reserved/)
    expectTypeOf<InferRecord<typeof User>>().toMatchTypeOf<{
      id: string
      username: string
      email: string
      hashedPassword: string
      fullName: string | null
      isActive: boolean
      isAdmin: boolean
      roles: string[]
    }>()
  })

  it('takes the application profile fields, typed, in the application database with relations', async () => {
    const AppUser = createUserModel(
      { displayName: z.string().max(80).optional(), plan: z.enum(['free', 'pro']).default('free') },
      { indexed: ['plan'], relations: { posts: hasMany('Post', { foreignKey: 'authorId', onDelete: 'cascade' }) } },
    )
    const Post = defineModel(z.object({ title: z.string(), authorId: z.string() }), {
      name: 'Post',
      relations: { author: belongsTo('User', { foreignKey: 'authorId' }) },
    })
    const db = createDatabase({ store: memoryStore(), models: [AppUser, Post] })
    const auth = new S3AuthService({
      database: db,
      userModel: AppUser,
      settings: createSettings({}),
      secretKey: SECRET,
      hasher: bcryptHasher({ cost: 4 }),
    })
    const alice = await auth.createUser({ username: 'alice', email: 'a@example.com', password: PASSWORD, plan: 'pro' })
    expectTypeOf(alice.plan).toEqualTypeOf<'free' | 'pro'>()
    expectTypeOf(alice.displayName).toEqualTypeOf<string | undefined>()
    expect(alice).toMatchObject({ plan: 'pro', isActive: true })
    await auth.updateUser(alice.id, { displayName: 'Alice' })
    expect((await auth.getUserByEmail('A@example.com'))?.displayName).toBe('Alice')
    expect((await db.repository(AppUser).findAllBy('plan', 'pro')).map((u) => u.id)).toEqual([alice.id])
    const posts = db.repository(Post)
    await posts.create({ title: 'Hello', authorId: alice.id })
    const related = await posts.loadRelated(await posts.findAllBy('authorId', alice.id), 'author')
    expect([...related.values()].map((u) => (u as { username: string }).username)).toEqual(['alice'])
    expect(publicUser(alice)).toMatchObject({ plan: 'pro', username: 'alice' })
    expect(publicUser(alice)).not.toHaveProperty('hashedPassword')
    // a login from the profile model's service gives the profile back
    const me = await auth.getCurrentUser((await auth.createTokenPair(alice)).accessToken)
    expect(me.plan).toBe('pro')
  })

  it('refuses extra fields that would replace built-in ones, and models that are not user models', () => {
    const clash = (() => {
      try {
        createUserModel({ email: z.string(), isAdmin: z.boolean() })
      } catch (error) {
        return error
      }
    })()
    expect(isS3verlessError(clash, 'model.definition')).toBe(true)
    expect((clash as Error).message).toMatch(/"email", "isAdmin" would replace built-in user fields/)
    const NotUsers = defineModel(z.object({ name: z.string() }), { name: 'Member' })
    expect(() => new S3AuthService({ store: memoryStore(), settings: createSettings({}), userModel: NotUsers })).toThrow(
      /userModel Member is not a user model/,
    )
  })

  it('tells which database lacks the user model', () => {
    const Other = defineModel(z.object({ name: z.string() }), { name: 'Other' })
    const db = createDatabase({ store: memoryStore(), models: [Other] })
    expect(() => new S3AuthService({ database: db, settings: createSettings({}) })).toThrow(
      /Model User is not part of this database \(models: Other\)/,
    )
  })

  it('without a store or database, asks for the bucket by its variable name', () => {
    expect(() => new S3AuthService({ settings: createSettings({}) })).toThrow(/AWS_BUCKET_NAME/)
  })
})
