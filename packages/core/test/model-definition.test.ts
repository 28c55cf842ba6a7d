import { describe, expect, expectTypeOf, it } from 'vitest'
import * as z from 'zod'
import {
  belongsTo,
  createDatabase,
  createRegistry,
  defineModel as define,
  defineModel,
  hasMany,
  type InferCreate,
  type InferRecord,
  type InferUpdate,
  memoryStore,
  role,
} from '../src/index.js'
import { resolveAccess } from '../src/internal.js'

const schema = z.object({
  name: z.string(),
  sku: z.string(),
  price: z.number(),
  tags: z.array(z.string()).default([]),
  meta: z.object({ a: z.number() }).optional(),
})

describe('defineModel', () => {
  it('infers record, create and update types from the schema', () => {
    const Product = defineModel(schema, { name: 'Product', unique: ['sku'] })
    expectTypeOf<InferRecord<typeof Product>>().toEqualTypeOf<
      { name: string; sku: string; price: number; tags: string[]; meta?: { a: number } | undefined } & {
        id: string
        createdAt: Date
        updatedAt: Date
      }
    >()
    expectTypeOf<InferCreate<typeof Product>>().toHaveProperty('tags').toEqualTypeOf<string[] | undefined>()
    expectTypeOf<InferUpdate<typeof Product>>().toEqualTypeOf<Partial<z.input<typeof schema>>>()
    // @ts-expect-error: unique must name a field of the schema
    expect(() => defineModel(schema, { name: 'Bad', unique: ['nope'] })).toThrow(/unknown field/)
  })

  it('derives the plural and the spec key helpers', () => {
    const Product = defineModel(schema, { name: 'Product' })
    expect(Product.plural).toBe('products')
    expect(Product.getS3Prefix()).toBe('s3verless-data/products/')
    expect(Product.getS3Key('abc', 'app/')).toBe('app/products/abc.json')
    expect(Product.s3Key({ id: 'x' })).toBe('s3verless-data/products/x.json')
    const touched = Product.touch({ updatedAt: new Date(0) }, new Date(5))
    expect(touched.updatedAt).toEqual(new Date(5))
  })

  it.each([
    [{ name: 'P', unique: ['nope'] }, /unique names unknown field "nope" \(fields: name, sku, price, tags, meta\)/],
    [{ name: 'P', indexed: ['tags'] }, /indexed field "tags" holds an array, which cannot be indexed/],
    [{ name: 'P', indexed: ['meta'] }, /indexed field "meta" holds an object/],
    [{ name: 'P', plural: 'users' }, /plural "users" is reserved/],
    [{ name: 'P', plural: '_index' }, /plural "_index" must be/],
    [{ name: 'P', plural: 'a/b' }, /plural "a\/b" must be/],
    [{ name: '9lives' }, /name must start with a letter/],
    [{ name: 'P', ownerField: 'owner' }, /ownerField names unknown field "owner"/],
    [{ name: 'P', indexedDescending: ['name'] }, /indexedDescending field "name" must be a number, date or boolean/],
    [{ name: 'P', relations: { x: belongsTo('Q', { foreignKey: 'missing' }) } }, /foreign key "missing", which is not a field/],
  ])('rejects invalid options at definition: %o', (options, message) => {
    expect(() => defineModel(schema, options as never)).toThrow(message)
  })

  it('rejects schemas that use server or reserved field names', () => {
    expect(() => defineModel(z.object({ id: z.string() }), { name: 'P' })).toThrow(/"id" is set by the server/)
    expect(() => defineModel(z.object({ _v: z.string() }), { name: 'P' })).toThrow(/may not start with "_"/)
    expect(() => defineModel(z.object({ a__b: z.string() }), { name: 'P' })).toThrow(/may not contain "__"/)
  })

  it('checks models together in a registry created per app', () => {
    const A = defineModel(schema, { name: 'A', plural: 'items' })
    const B = defineModel(schema, { name: 'B', plural: 'Items' })
    expect(() => createRegistry([A, B])).toThrow(/Models A and B share the plural "Items"/)
    const C = defineModel(schema, { name: 'C', relations: { d: hasMany('D', { foreignKey: 'cId' }) } })
    expect(() => createRegistry([C])).toThrow(/C.d points to unknown model "D" \(known: C\)/)
    const D = defineModel(z.object({ cId: z.string() }), { name: 'D' })
    const E = defineModel(schema, { name: 'E', relations: { d: hasMany('D', { foreignKey: 'cId', onDelete: 'setNull' }) } })
    expect(() => createRegistry([E, D])).toThrow(/onDelete: setNull but D.cId is not nullable/)
    expect(createRegistry([C, D]).indexedFields(D)).toEqual(['cId'])
    const db = createDatabase({ store: memoryStore(), models: [A] })
    expect(() => db.repository(C)).toThrow(/Model C is not part of this database \(models: A\)/)
  })
})

describe('access rules', () => {
  const post = z.object({ title: z.string(), published: z.boolean().default(false), authorId: z.string().optional() })

  it('resolves the shorthands: ownerField → owner, requireAuth → signedIn, else public, for all five operations', () => {
    const ops = ['list', 'get', 'create', 'update', 'delete']
    const resolved = (options: object) => {
      const model = defineModel(post, { name: 'Post', ...options })
      return Object.entries(resolveAccess(model.name, model.access, model))
    }
    const rules = resolved
    expect(rules({})).toEqual(ops.map((op) => [op, 'public']))
    expect(rules({ requireAuth: true })).toEqual(ops.map((op) => [op, 'signedIn']))
    expect(rules({ ownerField: 'authorId' })).toEqual(ops.map((op) => [op, 'owner']))
    expect(rules({ ownerField: 'authorId', requireAuth: true })).toEqual(ops.map((op) => [op, 'owner']))
  })

  it('takes a rule per operation, with predicates typed from the schema', () => {
    const Post = defineModel(post, {
      name: 'Post',
      ownerField: 'authorId',
      access: {
        list: 'public',
        get: (user, record) => {
          expectTypeOf(record.published).toEqualTypeOf<boolean>()
          expectTypeOf(record.createdAt).toEqualTypeOf<Date>()
          return record.published || record.authorId === user.id
        },
        create: async (user, input) => {
          expectTypeOf(input.published).toEqualTypeOf<boolean | undefined>()
          return !user.roles.includes('banned')
        },
        update: (_user, record, change) => {
          expectTypeOf(change.title).toEqualTypeOf<string | undefined>()
          return !record.published
        },
        delete: role('editor'),
      },
    })
    const rules = resolveAccess(Post.name, Post.access, Post)
    expect(rules.list).toBe('public')
    expect(rules.delete).toEqual({ role: 'editor' })
    expect(typeof rules.get).toBe('function')
    const open = { list: 'public', create: 'public', update: 'public', delete: 'public' } as const
    const get = (_u: unknown, r: { nope: number }) => r.nope === 1
    // @ts-expect-error: a predicate's record has the schema's fields only
    const bad = { name: 'Bad', access: { ...open, get } } satisfies Parameters<typeof defineModel<typeof post, 'Bad'>>[1]
    expect(bad.name).toBe('Bad')
  })

  it('refuses incomplete or contradictory rules, naming the model and operation (the HTTP adapter checks them when the app is built)', () => {
    const all = { list: 'public', get: 'public', create: 'public', update: 'public', delete: 'public' } as const
    const defineModel = (schema: typeof post, options: Parameters<typeof define<typeof post, 'Post'>>[1]) => {
      const model = define(schema, options)
      return resolveAccess(model.name, model.access, model)
    }
    expect(() => defineModel(post, { name: 'Post', access: { ...all, delete: undefined } as never })).toThrow(
      /Model Post: access.delete is missing/,
    )
    expect(() => defineModel(post, { name: 'Post', access: { ...all, update: 'owner' } })).toThrow(
      /Model Post: access.update is 'owner' without an ownerField/,
    )
    expect(() => defineModel(post, { name: 'Post', access: { ...all, remove: 'public' } as never })).toThrow(/unknown operation "remove"/)
    expect(() => defineModel(post, { name: 'Post', access: { ...all, get: 'admin' } as never })).toThrow(/access.get must be/)
    expect(() => defineModel(post, { name: 'Post', requireAuth: true, access: all })).toThrow(/either requireAuth .* or access rules/)
    expect(() => role('')).toThrow(/non-empty role name/)
  })
})
