import { createDatabase, defineModel, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { coerceFilterStrings, query } from '../src/index.js'

const Item = defineModel(
  z.object({ name: z.string(), price: z.number(), active: z.boolean(), at: z.date(), note: z.string().nullable() }),
  { name: 'Item', indexed: ['price', 'at'] },
)

describe('filter operands are checked against the field kind', () => {
  const items = createDatabase({ store: memoryStore(), models: [Item] }).repository(Item)
  const q = () => query(items)

  it('refuses an operand of another kind with query.invalidFilter naming field, operator and kind', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ price__gt: 'x' }, /"price__gt" needs a number for the number field "price", got "x"/],
      [{ name__lt: 3 }, /"name__lt" needs a string for the string field "name"/],
      [{ active: 'yes' }, /"active__eq" needs a boolean/],
      [{ at__gte: 'soon' }, /"at__gte" needs a Date or an ISO-8601 string/],
      [{ price__in: [1, 'two'] }, /"price__in" needs a number/],
    ]
    for (const [filter, message] of cases) {
      let error: unknown
      try {
        q().filter(filter as never)
      } catch (e) {
        error = e
      }
      expect((error as { code?: string }).code, JSON.stringify(filter)).toBe('query.invalidFilter')
      expect((error as Error).message).toMatch(message)
    }
  })

  it('accepts null for equality and the right kinds everywhere', async () => {
    await items.create({ name: 'a', price: 3, active: true, at: new Date('2024-01-05T00:00:00Z'), note: null })
    expect(await q().filter({ note: null, price__gt: 2, active: true, at__lt: '2025-01-01' }).count()).toBe(1)
  })

  it('coerceFilterStrings turns query-string text into the field kinds, leaving what does not parse to be refused', () => {
    const fields = Item.fields
    expect(
      coerceFilterStrings(fields, {
        price__lt: '50',
        active: 'true',
        price__in: '1,2',
        note: 'null',
        at__gte: '2024-01-01',
        note__isnull: '1',
      }),
    ).toEqual({ price__lt: 50, active: true, price__in: [1, 2], note: null, at__gte: '2024-01-01', note__isnull: true })
    const loose = coerceFilterStrings(fields, { price__gt: 'cheap' })
    expect(() => q().filter(loose as never)).toThrow(/needs a number/)
  })
})
