import { createDatabase, defineModel, isS3verlessError, memoryStore } from '@s3verless/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { defineFactory } from '../src/index.js'

const Customer = defineModel(
  z.object({
    email: z.email(),
    name: z.string().min(2).max(60),
    username: z.string().min(3).max(12),
    website: z.url().optional(),
    age: z.number().int().min(18).max(120),
    balance: z.number().nonnegative().multipleOf(0.01),
    tier: z.enum(['free', 'pro', 'team']),
    code: z.string().regex(/^[A-Z]{3}-\d{4}$/),
    joined: z.date(),
    lastSeen: z.iso.datetime().nullable(),
    tags: z.array(z.string().min(1).max(12)).min(1).max(4),
    address: z.object({ street: z.string(), city: z.string(), zip: z.string().max(10) }),
    externalId: z.uuid(),
  }),
  { name: 'Customer', unique: ['email', 'username', 'externalId'] },
)

describe('defineFactory', () => {
  it('builds valid records with realistic values, the same for the same seed', () => {
    const a = defineFactory(Customer, { seed: 42 }).buildMany(20)
    const b = defineFactory(Customer, { seed: 42 }).buildMany(20)
    expect(a).toEqual(b)
    expect(defineFactory(Customer, { seed: 43 }).build()).not.toEqual(a[0])
    for (const record of a) expect(Customer.schema.safeParse(record).success).toBe(true)
    const first = a[0] as (typeof a)[number]
    expect(first.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/)
    expect(first.name).toMatch(/^[A-Z][a-z'.-]+ /) // a person's name: Customer is a person-like model
    expect(first.code).toMatch(/^[A-Z]{3}-\d{4}$/)
    // `age` inside its bounds; `lastSeen` sometimes null across the set, `website` sometimes absent.
    expect(a.some((r) => r.lastSeen === null) || a.some((r) => r.website === undefined)).toBe(true)
  })

  it('applies overrides, per-index overrides and field sequences', () => {
    const factory = defineFactory(Customer, { fields: { username: ({ seq }) => `user${seq}` } })
    expect(factory.build({ tier: 'pro' })).toMatchObject({ tier: 'pro', username: 'user1' })
    const many = factory.buildMany(3, (i) => ({ age: 30 + i }))
    expect(many.map((r) => [r.username, r.age])).toEqual([
      ['user2', 30],
      ['user3', 31],
      ['user4', 32],
    ])
    expect(factory.sequence).toBe(5)
    factory.reset()
    expect(factory.build().username).toBe('user1')
  })

  it('keeps unique fields distinct over 10,000 builds (as the unique index compares them)', () => {
    const records = defineFactory(Customer, { seed: 3 }).buildMany(10_000)
    for (const field of ['email', 'username', 'externalId'] as const) {
      expect(new Set(records.map((r) => r[field].toLowerCase())).size).toBe(10_000)
    }
    for (const r of records.slice(0, 500)) expect(Customer.schema.safeParse(r).success).toBe(true)
  })

  it('names the field when a refinement rejects every attempt, or when an override is invalid', () => {
    const Impossible = defineModel(z.object({ title: z.string(), answer: z.string().refine(() => false, 'never valid') }), {
      name: 'Impossible',
    })
    const err = (() => {
      try {
        defineFactory(Impossible, { maxAttempts: 20 }).build()
      } catch (e) {
        return e
      }
    })()
    expect(isS3verlessError(err, 'testing.factory')).toBe(true)
    expect((err as Error).message).toMatch(/Impossible.*"answer".*20 attempts.*never valid/)
    expect(() => defineFactory(Customer).build({ age: 3 })).toThrow(/"age": the override 3 is invalid/)
    const Odd = defineModel(z.object({ when: z.custom<number>(() => true) }), { name: 'Odd' })
    expect(() => defineFactory(Odd).build()).toThrow(/"when".*no generator/)
  })

  it('creates through a repository: stored records with ids, unique claims honoured', async () => {
    const db = createDatabase({ store: memoryStore(), models: [Customer] })
    const repo = db.repository(Customer)
    const factory = defineFactory(Customer, { seed: 9 })
    const one = await factory.create(repo, { tier: 'team' })
    expect(one.id).toBeTruthy()
    expect((await repo.getOrThrow(one.id)).tier).toBe('team')
    const many = await factory.createMany(repo, 25)
    expect(many).toHaveLength(25)
    expect(await repo.count()).toBe(26)
  })
})

/** A random field schema from the kinds models use, with consistent random bounds. */
const fieldSchema: fc.Arbitrary<z.ZodType> = fc.letrec<{ field: z.ZodType }>((tie) => ({
  field: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.nat(20), fc.nat(40)).map(([min, extra]) =>
      z
        .string()
        .min(min)
        .max(min + extra),
    ),
    fc.constantFrom(z.email(), z.url(), z.uuid(), z.iso.datetime(), z.iso.date(), z.string().regex(/^[a-z]{2,5}_\d{2}$/), z.ipv4()),
    fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.nat(2000)).map(([min, span]) =>
      z
        .number()
        .int()
        .min(min)
        .max(min + span),
    ),
    fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0.001, max: 1e6, noNaN: true })).map(([min, span]) =>
      z
        .number()
        .gt(min)
        .lt(min + span),
    ),
    fc.constantFrom(z.number().positive(), z.number().nonnegative().multipleOf(0.5), z.number().int().negative()),
    fc
      .uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 5 })
      .map((values) => z.enum(values as [string, ...string[]])),
    fc.constant(z.boolean()),
    fc.constant(z.date().min(new Date('2001-01-01')).max(new Date('2002-01-01'))),
    fc.tuple(tie('field'), fc.nat(3), fc.nat(3)).map(([inner, min, extra]) =>
      z
        .array(inner)
        .min(min)
        .max(min + extra),
    ),
    tie('field').map((inner) => inner.optional()),
    tie('field').map((inner) => inner.nullable()),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie('field'), { maxKeys: 3 }).map((shape) => z.object(shape)),
  ),
})).field

describe('defineFactory over many schemas (property)', () => {
  it('every generated record passes its schema', () => {
    const names = ['name', 'email', 'price', 'title', 'rating', 'city', 'sku', 'count', 'misc', 'website', 'age', 'description']
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 6 }),
        fc.array(fieldSchema, { minLength: 6, maxLength: 6 }),
        fc.nat(),
        (keys, schemas, seed) => {
          const shape = Object.fromEntries(keys.map((k, i) => [k, schemas[i] as z.ZodType]))
          const model = defineModel(z.object(shape), { name: 'Random' })
          for (const record of defineFactory(model, { seed }).buildMany(15)) {
            const parsed = model.schema.safeParse(record)
            if (!parsed.success) throw new Error(`${JSON.stringify(record)}: ${parsed.error.message}`)
          }
        },
      ),
      { numRuns: 150, seed: 20261207 },
    )
  })
})
