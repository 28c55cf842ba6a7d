import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createDatabase, defineModel, memoryStore } from '../src/index.js'
import { defineSystemModel } from '../src/internal.js'

const schema = z.object({ username: z.string() })

describe('defineSystemModel (internal escape hatch for reserved plurals)', () => {
  it('defines a model under a reserved plural that defineModel refuses', async () => {
    expect(() => defineModel(schema, { name: 'User', plural: 'users' })).toThrow(/plural "users" is reserved/)
    expect(() => defineModel(schema, { name: 'User' })).toThrow(/plural "users" is reserved/)
    const User = defineSystemModel(schema, { name: 'User', plural: 'users', unique: ['username'] })
    expect(User.getS3Prefix()).toBe('s3verless-data/users/')
    const users = createDatabase({ store: memoryStore(), models: [User] }).repository(User)
    const alice = await users.create({ username: 'alice' })
    expect((await users.findBy('username', 'alice'))?.id).toBe(alice.id)
  })

  it('is only for reserved plurals, and keeps every other check', () => {
    expect(() => defineSystemModel(schema, { name: 'Thing', plural: 'things' })).toThrow(/defineSystemModel is for reserved plurals/)
    expect(() => defineSystemModel(schema, { name: 'User', plural: 'users', unique: ['nope' as never] })).toThrow(/unknown field "nope"/)
  })
})
