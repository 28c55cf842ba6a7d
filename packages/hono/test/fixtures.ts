import { pbkdf2Hasher, RateLimiter, S3AuthService, User } from '@s3verless/auth'
import {
  createDatabase,
  createSettings,
  defineModel,
  type InstrumentedStore,
  instrumentStore,
  memoryStore,
  type ObjectStore,
} from '@s3verless/core'
import * as z from 'zod'
import { S3verless, type S3verlessOptions } from '../src/index.js'

export const Product = defineModel(
  z.object({
    name: z.string().min(1),
    sku: z.string().min(1),
    price: z.number().nonnegative(),
    category: z.enum(['home', 'garden', 'toys']),
    inStock: z.boolean().default(true),
    releasedAt: z.coerce.date().optional(),
    tags: z.array(z.string()).default([]),
  }),
  { name: 'Product', unique: ['sku'], indexed: ['category', 'price'] },
)

export const Note = defineModel(z.object({ title: z.string().min(1), body: z.string().default(''), ownerId: z.string().optional() }), {
  name: 'Note',
  ownerField: 'ownerId',
})

export const Secret = defineModel(z.object({ value: z.string() }), { name: 'Secret', enableApi: false })

export const SECRET_KEY = 'test-secret-key-of-at-least-32-characters!!'
export const PASSWORD = 'correct-horse-7'

/** An app on a memory store (or the store given) with fast password hashing. */
export async function makeApp<S extends ObjectStore = InstrumentedStore>(
  overrides: Partial<S3verlessOptions> = {},
  store: S = instrumentStore(memoryStore()) as ObjectStore as S,
) {
  const settings = createSettings({ secretKey: SECRET_KEY })
  const database = createDatabase({ store, models: [Product, Note, Secret, User] })
  const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }) })
  const builder = new S3verless({
    settings,
    title: 'Test shop',
    database,
    models: [Product, Note, Secret],
    auth: auth as never,
    rateLimiter: new RateLimiter(),
    // In-process requests have no socket: one client address for the tests that do not set their own.
    clientAddress: () => '192.0.2.1',
    setupToken: 'setup-token-123',
    ...overrides,
  })
  const app = builder.createApp()
  return { app, store, database, auth, products: database.repository(Product), notes: database.repository(Note) }
}

/** Registers (or makes, for admins) a user and logs in; returns the bearer header. */
export async function login(
  ctx: Awaited<ReturnType<typeof makeApp>>,
  username: string,
  options: { admin?: boolean } = {},
): Promise<{ authorization: string; id: string }> {
  const user = await ctx.auth.createUser({
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
    isAdmin: options.admin ?? false,
  } as never)
  const res = await ctx.app.request('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  const body = (await res.json()) as { accessToken: string }
  return { authorization: `Bearer ${body.accessToken}`, id: user.id }
}

/** JSON request init. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }
}

/**
 * A tiny cookie jar over app.request (a cookie header given by the caller wins): `post` fetches the
 * form first for its CSRF token.
 */
export function browser(app: Awaited<ReturnType<typeof makeApp>>['app']) {
  const jar = new Map<string, string>()
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    if (!headers.has('cookie')) headers.set('cookie', cookieHeader())
    const res = await app.request(path, { ...init, headers })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, value] = (pair ?? '').split('=')
      if (name) jar.set(name, value ?? '')
    }
    return res
  }
  const csrf = async (path: string) => /name="_csrf" value="([^"]+)"/.exec(await (await request(path)).text())?.[1] ?? ''
  const post = async (path: string, fields: Record<string, string>, formPath = path) =>
    request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: await csrf(formPath), ...fields }),
    })
  return { request, post, csrf, jar }
}
