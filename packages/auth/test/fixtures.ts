import { createSettings, instrumentStore, type Model, memoryStore } from '@s3verless/core'
import { bcryptHasher, type DefaultUserModel, type PasswordHasher, S3AuthService, type S3AuthServiceOptions } from '../src/index.js'

export const SECRET = 'test-secret-of-at-least-32-characters!!'
export const PASSWORD = 'correct-horse-7'

/** A clock tests can move. */
export function testClock(start = Date.UTC(2026, 0, 1, 12)) {
  let at = start
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms
    },
  }
}

/** A hasher that counts its calls (cheap bcrypt underneath). */
export function countingHasher(inner: PasswordHasher = bcryptHasher({ cost: 4 })) {
  const calls = { hash: 0, verify: 0 }
  const hasher: PasswordHasher = {
    name: inner.name,
    maxPasswordBytes: inner.maxPasswordBytes,
    hash: (password) => {
      calls.hash++
      return inner.hash(password)
    },
    verify: (password, hash) => {
      calls.verify++
      return inner.verify(password, hash)
    },
    needsRehash: (hash) => inner.needsRehash(hash),
  }
  return { hasher, calls }
}

/** An auth service on a counted memory store, with cheap bcrypt and a test secret. */
export function setup<M extends Model = DefaultUserModel>(options: S3AuthServiceOptions<M> = {}) {
  const store = instrumentStore(memoryStore())
  const clock = testClock()
  const auth = new S3AuthService<M>({
    store,
    settings: createSettings({}),
    secretKey: SECRET,
    hasher: bcryptHasher({ cost: 4 }),
    now: clock.now,
    ...options,
  })
  return { auth, store, clock }
}

/** Registers alice (or another name) with {@link PASSWORD}. */
export function register(auth: S3AuthService, username = 'alice', email = `${username}@example.com`) {
  return auth.createUser({ username, email, password: PASSWORD })
}
