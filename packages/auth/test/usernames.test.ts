import { createDatabase, createSettings, isS3verlessError, memoryStore } from '@s3verless/core'
import { defineSystemModel } from '@s3verless/core/internal'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { bcryptHasher, normalizeUsername, S3AuthService, usernameProblems } from '../src/index.js'
import { PASSWORD, SECRET, setup } from './fixtures.js'

const codeOf = (error: unknown) => (isS3verlessError(error) ? error.code : String(error))

/** The user model as it was before usernames were normalised: no `normalizedUsername`, the claim on `username` alone. */
const LegacyUser = defineSystemModel(
  z.object({
    username: z.string().min(1).max(64),
    email: z.email().max(254),
    normalizedEmail: z.string().min(1).max(254),
    hashedPassword: z.string().min(1),
    fullName: z.string().max(200).nullable().default(null),
    isActive: z.boolean().default(true),
    isAdmin: z.boolean().default(false),
    roles: z.array(z.string().min(1).max(64)).default([]),
    tokenVersion: z.number().int().nonnegative().default(0),
  }),
  { name: 'User', plural: 'users', unique: ['username', 'normalizedEmail'], enableApi: false },
)

describe('usernames are compared the way identity systems do', () => {
  it('normalises with NFKC and lower case, keeping the display form', () => {
    expect(normalizeUsername('Admin')).toBe('admin')
    expect(normalizeUsername('ＡＤＭＩＮ')).toBe('admin')
    expect(normalizeUsername('ﬁona')).toBe('fiona') // the fi ligature
    expect(normalizeUsername('𝐚𝐝𝐦𝐢𝐧')).toBe('admin') // mathematical bold
    expect(normalizeUsername('ΟΔΥΣΣΕΥΣ')).toBe('οδυσσευσ') // final sigma folded too
    expect(normalizeUsername('Zoë')).toBe(normalizeUsername('Zoe\u0308'))
  })

  it('refuses invisible, control and format characters, and names mixing scripts', () => {
    expect(usernameProblems('alice')).toEqual([])
    expect(usernameProblems('José_99')).toEqual([])
    expect(usernameProblems('иван')).toEqual([]) // one script: fine
    expect(usernameProblems('山田taro')).toEqual([]) // Latin with Han: allowed (UTS #39 highly restrictive)
    for (const invisible of [
      'ad\u200bmin',
      'ad\u200dmin',
      'admin\u3164',
      '\u115fadmin',
      'ad\u00admin',
      'ad\u2800min',
      'ad\u202emin',
      'ad min',
    ]) {
      expect(usernameProblems(invisible)[0], JSON.stringify(invisible)).toMatch(/invisible/)
    }
    expect(usernameProblems('аdmin')[0]).toMatch(/must not mix scripts \(it mixes Cyrillic and Latin\)/) // Cyrillic а
    expect(usernameProblems('pαypal')[0]).toMatch(/Greek and Latin/)
    expect(usernameProblems('a'.repeat(65))[0]).toMatch(/at most 64/)
  })

  it('claims the normalised form: Admin, ADMIN and fullwidth admin are one name; the display form is kept', async () => {
    const { auth } = setup()
    const admin = await auth.createUser({ username: 'Admin', email: 'admin@example.com', password: PASSWORD })
    expect(admin).toMatchObject({ username: 'Admin', normalizedUsername: 'admin' })
    for (const lookalike of ['admin', 'ADMIN', 'ａｄｍｉｎ', '𝐀𝐝𝐦𝐢𝐧']) {
      const error = await auth
        .createUser({ username: lookalike, email: `${lookalike.length}x@example.com`, password: PASSWORD })
        .catch((e) => e)
      expect(codeOf(error), lookalike).toBe('auth.userExists')
      expect(error.details.field).toBe('username')
    }
    expect((await auth.authenticateUser('aDmIn', PASSWORD))?.id).toBe(admin.id)
    // renaming moves the claim; a look-alike of another user is refused
    const bob = await auth.createUser({ username: 'bob', email: 'bob@example.com', password: PASSWORD })
    expect(codeOf(await auth.updateUser(bob.id, { username: 'ADMIN' }).catch((e) => e))).toBe('auth.userExists')
    expect(codeOf(await auth.updateUser(bob.id, { username: 'bоb' }).catch((e) => e))).toBe('model.validation') // Cyrillic о
    expect(await auth.updateUser(bob.id, { username: 'Bobby' })).toMatchObject({ username: 'Bobby', normalizedUsername: 'bobby' })
    expect((await auth.getUserByUsername('BOBBY'))?.id).toBe(bob.id)
    expect(await auth.getUserByUsername('bob')).toBeNull()
  })

  it('users made before normalisation keep signing in; migrateUsernames() fills in their claims and reports collisions', async () => {
    const store = memoryStore()
    const settings = createSettings({})
    const hasher = bcryptHasher({ cost: 4 })
    const hashedPassword = await hasher.hash(PASSWORD)
    const old = createDatabase({ store, models: [LegacyUser] }).repository(LegacyUser)
    const carol = await old.create({ username: 'Carol', email: 'carol@example.com', normalizedEmail: 'carol@example.com', hashedPassword })
    const carol2 = await old.create({ username: 'carol', email: 'c2@example.com', normalizedEmail: 'c2@example.com', hashedPassword })

    const auth = new S3AuthService({ store, settings, secretKey: SECRET, hasher })
    // before the migration: exact names sign in; registering waits for the migration, clearly
    expect((await auth.authenticateUser('Carol', PASSWORD))?.id).toBe(carol.id)
    expect((await auth.authenticateUser('carol', PASSWORD))?.id).toBe(carol2.id)
    expect(await auth.authenticateUser('CAROL', PASSWORD)).toBeNull()
    const early = await auth.createUser({ username: 'dave', email: 'dave@example.com', password: PASSWORD }).catch((e) => e)
    expect(codeOf(early)).toBe('model.indexNotReady')

    const report = await auth.migrateUsernames()
    expect(report).toMatchObject({ users: 2, updated: 1 })
    expect(report.collisions).toHaveLength(1)
    expect(report.collisions[0]).toMatchObject({ normalizedUsername: 'carol' })
    // both still sign in with their exact names; the other forms reach the one that holds the claim
    expect((await auth.authenticateUser('Carol', PASSWORD))?.id).toBe(carol.id)
    expect((await auth.authenticateUser('carol', PASSWORD))?.id).toBe(carol2.id)
    expect([carol.id, carol2.id]).toContain((await auth.authenticateUser('CAROL', PASSWORD))?.id)
    // and look-alikes of migrated names are refused from now on
    await auth.createUser({ username: 'dave', email: 'dave@example.com', password: PASSWORD })
    expect(codeOf(await auth.createUser({ username: 'CAROL', email: 'x@example.com', password: PASSWORD }).catch((e) => e))).toBe(
      'auth.userExists',
    )
    expect(await auth.migrateUsernames()).toMatchObject({ users: 3, updated: 0 })
  })
})
