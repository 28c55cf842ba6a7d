import { describe, expectTypeOf, it } from 'vitest'
import type { FilterInput } from './filter-types.js'
import { parseFilter } from './parse-filter.js'

type Product = {
  name: string
  price: number
  createdAt: Date
  tags: string[]
  status: 'draft' | 'live'
  note?: string | null
  active: boolean
}
type F = FilterInput<Product>

describe('FilterInput<T>', () => {
  it('accepts operators that fit each field, with operands of its type', () => {
    expectTypeOf({ price__gt: 5 }).toExtend<F>()
    expectTypeOf({ price: 5, name: 'Lamp' }).toExtend<F>()
    expectTypeOf({ name__icontains: 'a', name__starts_with: 'L', name__endswith: 'p' }).toExtend<F>()
    expectTypeOf({ price__in: [1, 2], price__not_in: [3] }).toExtend<F>()
    expectTypeOf({ price__isnull: true, note__is_not_null: true, note__is_null: false }).toExtend<F>()
    expectTypeOf({ createdAt__gte: new Date(), createdAt__lt: '2024-01-01' }).toExtend<F>()
    expectTypeOf({ tags__contains: 'sale' }).toExtend<F>()
    expectTypeOf({ status: 'live' as const, status__neq: 'draft' as const, note: null }).toExtend<F>()
    expectTypeOf<F['price__gt']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<F['tags__contains']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<F['status__in']>().toEqualTypeOf<readonly ('draft' | 'live' | null)[] | undefined>()
  })

  it('rejects unknown fields, unknown operators and wrong operand types', () => {
    const typed = (filter: F) => filter
    // @ts-expect-error price is a number
    typed({ price__gt: 'x' })
    // @ts-expect-error no field "nme"
    typed({ nme: 'a' })
    // @ts-expect-error no operator "gtx"
    typed({ price__gtx: 1 })
    // @ts-expect-error icontains is for strings
    typed({ price__icontains: '1' })
    // @ts-expect-error ordering is not defined on arrays
    typed({ tags__gt: ['a'] })
    // @ts-expect-error in takes an array
    typed({ price__in: 1 })
    // @ts-expect-error isnull takes a boolean
    typed({ price__isnull: 'yes' })
    // @ts-expect-error not one of the enum's values
    typed({ status: 'gone' })
    // @ts-expect-error a tags element is a string
    typed({ tags__contains: 1 })
    expectTypeOf(typed).parameter(0).not.toHaveProperty('price__gtx')
  })

  it('is accepted by parseFilter', () => {
    const filter: F = { price__gt: 5, name__icontains: 'lamp' }
    expectTypeOf(parseFilter).toBeCallableWith(filter)
  })
})
