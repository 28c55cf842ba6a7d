// The fuzz's demo-like world on the test fixtures: public products, owner-scoped notes, auth,
// uploads, admin and docs, with alice, bob and carol (the canary's owner).
import type { ObjectStore } from '@s3verless/core'
import fc from 'fast-check'
import type { S3verlessOptions } from '../../src/index.js'
import { login, makeApp, PASSWORD } from '../fixtures.js'
import { type FuzzShape, type FuzzWorld, isWrite, jsonValue, scalar, word } from './harness.js'

const CANARY_TITLE = 'CANARY-7f3a-title'
const CANARY_BODY = 'CANARY-7f3a-body'
const CANARY_FILE = 'CANARY-7f3a-file-bytes'
const CANARY_NAME = 'canary-7f3a.txt'

const ids = ['{note}', '{canaryNote}', '{product}', '{random}', 'not-a-uuid', '..', '%00'] as const

/** The fixture app's routes and fields, as the generators see them. */
export const fixtureShape = (limits: { maxBody: number; maxList: number }): FuzzShape => ({
  ...limits,
  who: ['anonymous', 'anonymous', 'alice', 'alice', 'alice', 'bob', 'bob', 'bob', 'garbage', 'tampered'],
  collections: ['products', 'notes'],
  fields: [
    ...['name', 'sku', 'price', 'category', 'inStock', 'releasedAt', 'tags', 'title', 'body', 'ownerId'],
    ...['id', 'createdAt', 'updatedAt', 'nope', 'meta__x'],
  ],
  ids,
  input: fc.oneof(
    // Valid ones too, so bulk requests mix valid items with invalid ones (a partial write would show).
    fc.record({ title: fc.constantFrom('note', 'Lamp', '<b>'), body: word }),
    fc.record({
      name: fc.constantFrom('Lamp', 'Rake'),
      sku: fc.string({ minLength: 1, maxLength: 8 }),
      price: fc.integer({ min: 0, max: 100 }),
      category: fc.constantFrom('home', 'garden', 'toys'),
    }),
    fc.record(
      { name: word, sku: word, price: scalar, category: fc.oneof(fc.constantFrom('home', 'garden', 'toys'), word), tags: jsonValue },
      { requiredKeys: [] },
    ),
    fc.record(
      { title: word, body: word, ownerId: fc.constantFrom('{canaryOwner}', 'x'), id: fc.constantFrom(...ids) },
      { requiredKeys: [] },
    ),
  ),
  otherPaths: [
    ...['/', '/health', '/openapi.json', '/docs', '/admin', '/admin/login', '/admin/notes', '/admin/notes/{canaryNote}'],
    ...['/admin/notes/{canaryNote}/delete', '/nope', '/products/', '/auth'],
  ],
  oversizedPaths: ['/products', '/notes', '/auth/login', '/auth/register', '/products/search', '/products/bulk', '/uploads/presign'],
  oversizedReadsBody: ['/products', '/auth/login', '/auth/register', '/products/search', '/products/bulk'],
  listPath: 'products',
  // Signed out (or with a bad token), nobody writes notes or uploads; nobody but carol writes hers.
  // (Her note's id under /products names a product, another model: anyone may create that one.)
  mustRefuse: (gen) =>
    isWrite(gen) &&
    ((['anonymous', 'garbage', 'tampered'].includes(gen.who) && /^\/(notes|uploads)\//.test(`${gen.path}/`)) ||
      (/\{canary(Note|File)\}/.test(gen.path) && !gen.path.startsWith('/products'))),
  // Signed out or with a bad token, a note or upload write is 401 before the body is read.
  gated: (gen) => isWrite(gen) && ['anonymous', 'garbage', 'tampered'].includes(gen.who) && /^\/(notes|uploads)\//.test(`${gen.path}/`),
  usernames: ['alice', 'carol'],
  password: PASSWORD,
})

/**
 * A fresh fixture app (on `store`, default a memory store) with a product, a note and an upload of
 * alice's, and carol's canary note and upload.
 */
export async function fixtureWorld(options: Partial<S3verlessOptions>, store?: ObjectStore): Promise<FuzzWorld> {
  const ctx = await makeApp(options, store)
  const [alice, bob, carol] = [await login(ctx, 'alice'), await login(ctx, 'bob'), await login(ctx, 'carol')]
  const product = await ctx.products.create({ name: 'Lamp', sku: 'L-1', price: 3, category: 'home' })
  const note = await ctx.notes.create({ title: 'alice note', ownerId: alice.id } as never)
  const canaryNote = await ctx.notes.create({ title: CANARY_TITLE, body: CANARY_BODY, ownerId: carol.id } as never)
  const put = async (who: { authorization: string }, name: string, text: string) => {
    const res = await ctx.app.request(`/uploads/files/${name}`, {
      method: 'PUT',
      headers: { authorization: who.authorization, 'content-type': 'text/plain', 'content-length': String(text.length) },
      body: text,
    })
    return (await res.json()) as { id: string; s3Key: string }
  }
  const file = await put(alice, 'alice.txt', 'alice file')
  const canaryFile = await put(carol, CANARY_NAME, CANARY_FILE)
  return {
    app: ctx.app,
    store: ctx.store,
    tokens: {
      anonymous: undefined,
      alice: alice.authorization,
      bob: bob.authorization,
      garbage: 'Bearer not.a.token',
      tampered: `${alice.authorization.slice(0, -3)}AAA`,
    },
    fill: (text) =>
      text
        .replaceAll('{note}', note.id)
        .replaceAll('{canaryNote}', canaryNote.id)
        .replaceAll('{canaryOwner}', carol.id)
        .replaceAll('{product}', product.id)
        .replaceAll('{file}', file.id)
        .replaceAll('{canaryFile}', canaryFile.id)
        .replaceAll('{canaryKey}', canaryFile.s3Key)
        .replaceAll('{random}', '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'),
    canaryState: async () =>
      JSON.stringify([
        await ctx.notes.get(canaryNote.id),
        (await ctx.store.get(canaryFile.s3Key))?.etag,
        await ctx.store.get(`s3verless-data/uploads/${canaryFile.id}.json`).then((o) => o?.etag),
      ]),
    secrets: [CANARY_TITLE, CANARY_BODY, CANARY_FILE, CANARY_NAME],
  }
}
