import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { bcryptHasher, pbkdf2Hasher, publicUser } from '../src/index.js'
import { countingHasher, PASSWORD, register, setup } from './fixtures.js'

const codeOf = (error: unknown) => (isS3verlessError(error) ? error.code : String(error))

describe('S3AuthService users', () => {
  it('creates a user with a $2b$ bcrypt hash, defaults and a normalised email', async () => {
    const { auth } = setup()
    const alice = await auth.createUser({ username: 'alice', email: '  Alice@Example.COM ', password: PASSWORD, fullName: 'Alice A.' })
    expect(alice).toMatchObject({
      username: 'alice',
      email: 'Alice@Example.COM',
      normalizedEmail: 'alice@example.com',
      fullName: 'Alice A.',
      isActive: true,
      isAdmin: false,
      roles: [],
      tokenVersion: 0,
    })
    expect(alice.hashedPassword).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/)
    expect(alice.hashedPassword).not.toContain(PASSWORD)
    expect(auth.users.model.plural).toBe('users')
    expect(publicUser(alice)).not.toHaveProperty('hashedPassword')
    expect(publicUser(alice)).not.toHaveProperty('normalizedEmail')
    expect(publicUser(alice)).toMatchObject({ id: alice.id, username: 'alice', email: 'Alice@Example.COM' })
  })

  it('finds users by username and by email (any case) with 2 GETs each (3 for a username typed in another case)', async () => {
    const { auth, store } = setup()
    const alice = await register(auth)
    await auth.getUserByUsername('alice') // the index catalog, once per process
    store.reset()
    expect((await auth.getUserByUsername('alice'))?.id).toBe(alice.id)
    expect(store.counts()).toMatchObject({ get: 2, list: 0, total: 2 })
    store.reset()
    expect((await auth.getUserByEmail(' ALICE@example.com'))?.id).toBe(alice.id)
    expect(store.counts()).toMatchObject({ get: 2, list: 0, total: 2 })
    store.reset()
    expect((await auth.getUserByUsername('ALICE'))?.id).toBe(alice.id) // compared in normalised form
    expect(store.counts()).toMatchObject({ get: 3, list: 0, total: 3 })
    expect((await auth.getUserByUsername('ａｌｉｃｅ'))?.id).toBe(alice.id) // fullwidth folds under NFKC
    expect(await auth.getUserByUsername('bob')).toBeNull()
    expect(await auth.getUserByEmail('bob@example.com')).toBeNull()
    expect(await auth.getUser('not-a-uuid')).toBeNull()
  })

  it('refuses a second user with the same username, or the same email in another case', async () => {
    const { auth } = setup()
    await register(auth)
    const sameName = await auth.createUser({ username: 'alice', email: 'other@example.com', password: PASSWORD }).catch((e) => e)
    expect(codeOf(sameName)).toBe('auth.userExists')
    expect(sameName.details).toMatchObject({ field: 'username', value: 'alice' })
    expect(sameName.message).toBe('Username "alice" is already taken')
    const sameEmail = await auth.createUser({ username: 'alice2', email: 'ALICE@example.com', password: PASSWORD }).catch((e) => e)
    expect(codeOf(sameEmail)).toBe('auth.userExists')
    expect(sameEmail.details).toMatchObject({ field: 'email' })
    expect(sameEmail.message).toBe('Email "ALICE@example.com" is already registered')
    // composed and decomposed accents are one name
    await auth.createUser({ username: 'José', email: 'jose@example.com', password: PASSWORD })
    const decomposed = await auth.createUser({ username: 'Jose\u0301', email: 'j2@example.com', password: PASSWORD }).catch((e) => e)
    expect(codeOf(decomposed)).toBe('auth.userExists')
    expect(await auth.users.count()).toBe(2)
  })

  it('refuses weak passwords, malformed usernames and emails, and managed fields', async () => {
    const { auth, store } = setup({ passwordPolicy: { minLength: 10, requireSymbol: true } })
    store.reset()
    const weak = await auth.createUser({ username: 'bob', email: 'bob@example.com', password: 'abc1' }).catch((e) => e)
    expect(codeOf(weak)).toBe('auth.weakPassword')
    expect(weak.details.problems).toEqual([
      'Password must be at least 10 characters long.',
      'Password must contain a symbol (neither a letter, a digit nor a space).',
    ])
    expect(store.counts().total).toBe(0)
    expect(auth.validatePassword('abc1')).toEqual([false, weak.message])
    expect(auth.validatePassword('abcdefgh-1')).toEqual([true, 'Password is valid.'])
    const badName = await auth.createUser({ username: 'bob smith', email: 'bob@example.com', password: 'abcdefgh-1' }).catch((e) => e)
    expect(codeOf(badName)).toBe('model.validation')
    expect(badName.message).toMatch(/username: must not contain spaces/)
    const badEmail = await auth.createUser({ username: 'bob', email: 'not-an-email', password: 'abcdefgh-1' }).catch((e) => e)
    expect(codeOf(badEmail)).toBe('model.validation')
    const managed = await auth
      .createUser({ username: 'bob', email: 'bob@example.com', password: 'abcdefgh-1', tokenVersion: 5 } as never)
      .catch((e) => e)
    expect(codeOf(managed)).toBe('auth.invalidOptions')
    expect(await auth.users.count()).toBe(0)
  })

  it('refuses a policy allowing longer passwords than bcrypt can use', () => {
    expect(() => setup({ passwordPolicy: { maxBytes: 100 } })).toThrow(/allows 100 bytes but the bcrypt hasher uses at most 72/)
  })

  it('authenticates: wrong password, unknown user and inactive user all answer null after one password check', async () => {
    const counting = countingHasher()
    const { auth } = setup({ hasher: counting.hasher })
    const alice = await register(auth)
    await auth.createUser({ username: 'carol', email: 'carol@example.com', password: PASSWORD })
    await auth.deactivateUser((await auth.getUserByUsername('carol'))!.id)
    const attempt = async (username: string, password: string) => {
      counting.calls.verify = 0
      counting.calls.hash = 0
      const user = await auth.authenticateUser(username, password)
      return { id: user?.id ?? null, verify: counting.calls.verify }
    }
    await attempt('nobody', 'x') // makes the dummy hash once
    expect(await attempt('alice', PASSWORD)).toEqual({ id: alice.id, verify: 1 })
    expect(await attempt('alice', 'wrong-password-1')).toEqual({ id: null, verify: 1 })
    expect(await attempt('nobody', PASSWORD)).toEqual({ id: null, verify: 1 })
    expect(await attempt('carol', PASSWORD)).toEqual({ id: null, verify: 1 })
    expect(counting.calls.hash).toBe(0)
  })

  it('does the same work for a wrong password, an unknown user and an inactive user: one hash check at the configured cost', async () => {
    // Counted rather than timed (timings are noise on a shared machine): each path must run exactly one
    // verification against a hash of the configured cost, so none is a cheap early exit.
    const inner = bcryptHasher({ cost: 5 })
    const checks: string[] = []
    const hasher = {
      ...inner,
      verify: (password: string, hash: string) => {
        checks.push(hash.slice(0, 7))
        return inner.verify(password, hash)
      },
    }
    const { auth } = setup({ hasher })
    await register(auth)
    await auth.createUser({ username: 'carol', email: 'carol@example.com', password: PASSWORD })
    await auth.deactivateUser((await auth.getUserByUsername('carol'))!.id)
    for (const username of ['alice', 'nobody', 'carol']) {
      checks.length = 0
      expect(await auth.authenticateUser(username, 'wrong-password-1'), username).toBeNull()
      expect(checks, username).toEqual(['$2b$05$'])
    }
  })

  it('rehashes on login when the configured cost changed', async () => {
    const { auth, store } = setup()
    const alice = await register(auth)
    expect(alice.hashedPassword).toMatch(/^\$2b\$04\$/)
    const stronger = setup({ store, hasher: bcryptHasher({ cost: 5 }) } as never).auth
    const again = await stronger.authenticateUser('alice', PASSWORD)
    expect(again?.hashedPassword).toMatch(/^\$2b\$05\$/)
    expect((await stronger.getUser(alice.id))?.hashedPassword).toBe(again?.hashedPassword)
    expect(await auth.authenticateUser('alice', PASSWORD)).not.toBeNull() // the old service still verifies the new hash
  })

  it('works end to end with the PBKDF2 hasher (edge runtimes), rehashing when the iteration count changed', async () => {
    const { auth, store } = setup({ hasher: pbkdf2Hasher({ iterations: 1000 }), passwordPolicy: { maxBytes: 200 } })
    const long = `${'long passphrase '.repeat(10)}1` // 161 bytes: fine without bcrypt's 72-byte limit
    const alice = await auth.createUser({ username: 'alice', email: 'alice@example.com', password: long })
    expect(alice.hashedPassword).toMatch(/^\$pbkdf2-sha256\$i=1000\$/)
    expect((await auth.authenticateUser('alice', long))?.id).toBe(alice.id)
    expect(await auth.authenticateUser('alice', long.slice(0, -1))).toBeNull()
    const stronger = setup({ store, hasher: pbkdf2Hasher({ iterations: 2000 }), passwordPolicy: { maxBytes: 200 } } as never).auth
    expect((await stronger.authenticateUser('alice', long))?.hashedPassword).toMatch(/^\$pbkdf2-sha256\$i=2000\$/)
  })

  it('updates profile fields and email, moving the email claim', async () => {
    const { auth } = setup()
    const alice = await register(auth)
    await register(auth, 'bob')
    const updated = await auth.updateUser(alice.id, { email: 'New@Example.com', fullName: 'Alice', roles: ['editor'] })
    expect(updated).toMatchObject({ email: 'New@Example.com', normalizedEmail: 'new@example.com', fullName: 'Alice', roles: ['editor'] })
    expect((await auth.getUserByEmail('new@example.com'))?.id).toBe(alice.id)
    expect(await auth.getUserByEmail('alice@example.com')).toBeNull()
    expect(auth.hasRole(updated, 'editor')).toBe(true)
    expect(auth.hasRole(updated, 'admin')).toBe(false)
    const taken = await auth.updateUser(alice.id, { email: 'BOB@example.com' }).catch((e) => e)
    expect(codeOf(taken)).toBe('auth.userExists')
    const password = await auth.updateUser(alice.id, { hashedPassword: 'x' } as never).catch((e) => e)
    expect(codeOf(password)).toBe('auth.invalidOptions')
    expect(password.message).toMatch(/use changePassword or setPassword/)
    expect(codeOf(await auth.updateUser('0190f0f0-0000-7000-8000-000000000000', { fullName: 'x' }).catch((e) => e))).toBe(
      'auth.userNotFound',
    )
  })

  it('changes a password only with the current one', async () => {
    const { auth } = setup()
    const alice = await register(auth)
    expect(codeOf(await auth.changePassword(alice.id, 'wrong-password-1', 'new-password-2').catch((e) => e))).toBe(
      'auth.invalidCredentials',
    )
    expect(codeOf(await auth.changePassword(alice.id, PASSWORD, 'short').catch((e) => e))).toBe('auth.weakPassword')
    const changed = await auth.changePassword(alice.id, PASSWORD, 'new-password-2')
    expect(changed.tokenVersion).toBe(1)
    expect(await auth.authenticateUser('alice', PASSWORD)).toBeNull()
    expect((await auth.authenticateUser('alice', 'new-password-2'))?.id).toBe(alice.id)
  })

  it('deactivates, reactivates and deletes users', async () => {
    const { auth } = setup()
    const alice = await register(auth)
    expect(auth.isActive(alice)).toBe(true)
    expect(auth.isAdmin(alice)).toBe(false)
    const off = await auth.deactivateUser(alice.id)
    expect(auth.isActive(off)).toBe(false)
    expect(await auth.authenticateUser('alice', PASSWORD)).toBeNull()
    await auth.activateUser(alice.id)
    expect((await auth.authenticateUser('alice', PASSWORD))?.id).toBe(alice.id)
    expect(await auth.deleteUser(alice.id)).toBe(true)
    expect(await auth.deleteUser(alice.id)).toBe(false)
    expect(await auth.getUserByUsername('alice')).toBeNull()
    await register(auth) // the name is free again
  })

  it('creates admins and users with roles explicitly', async () => {
    const { auth } = setup()
    const root = await auth.createUser({ username: 'root', email: 'root@example.com', password: PASSWORD, isAdmin: true, roles: ['ops'] })
    expect(auth.isAdmin(root)).toBe(true)
    expect(auth.hasRole(root, 'ops')).toBe(true)
  })

  it('offers the spec password utilities with the configured hasher', async () => {
    const { auth } = setup()
    const hash = await auth.getPasswordHash('pw-1234567')
    expect(hash).toMatch(/^\$2b\$04\$/)
    expect(await auth.verifyPassword('pw-1234567', hash)).toBe(true)
    expect(await auth.verifyPassword('pw-7654321', hash)).toBe(false)
  })
})
