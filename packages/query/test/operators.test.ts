import { describe, expect, it } from 'vitest'
import { query } from '../src/index.js'
import { fixtures } from './fixtures.js'

const env = await fixtures()
const skus = (items: { sku: string }[]) => items.map((i) => i.sku).sort()
/** Runs a filter (or exclude) on the indexed model (planned over indexes) and the plain one (scans): both must agree. */
async function both(filter: Record<string, unknown>, mode: 'filter' | 'exclude' = 'filter') {
  type AnyQuery = { filter(f: unknown): AnyQuery; exclude(f: unknown): AnyQuery; all(): Promise<{ sku: string }[]> }
  const run = (q: AnyQuery) => (mode === 'filter' ? q.filter(filter) : q.exclude(filter)).all()
  const a = await run(query(env.indexed) as unknown as AnyQuery)
  const b = await run(query(env.plain) as unknown as AnyQuery)
  expect(skus(a)).toEqual(skus(b))
  return skus(a)
}

describe('operators over a fixed dataset (index paths and scans agree)', () => {
  it.each([
    [{ category: 'home' }, ['a', 'b']],
    [{ category__eq: 'garden' }, ['c', 'd']],
    [{ category: null }, ['e', 'f']],
    [{ category__ne: 'home' }, ['c', 'd', 'e', 'f', 'g', 'h']],
    [{ category__neq: 'home' }, ['c', 'd', 'e', 'f', 'g', 'h']],
    [{ price__gt: 9 }, ['a', 'c', 'h']],
    [{ price__gte: 9 }, ['a', 'b', 'c', 'g', 'h']],
    [{ price__lt: 9 }, ['e', 'f']],
    [{ price__lte: 0 }, ['e', 'f']],
    [{ price__gt: -5, price__lt: 12.5 }, ['b', 'e', 'f', 'g']],
    [{ price__in: [9, 100, 7] }, ['b', 'g', 'h']],
    [{ price__nin: [9, 100] }, ['a', 'c', 'd', 'e', 'f']],
    [{ price__not_in: [9, 100] }, ['a', 'c', 'd', 'e', 'f']],
    [{ name__contains: 'amp' }, ['a', 'b', 'h']],
    [{ name__icontains: 'LAMP' }, ['a', 'b', 'h']],
    [{ name__startswith: 'lamp' }, ['b', 'h']],
    [{ name__starts_with: 'La' }, ['a']],
    [{ name__endswith: 'e' }, ['b', 'c', 'e']],
    [{ name__ends_with: '😀' }, ['d']],
    [{ price__isnull: true }, ['d']],
    [{ price__is_null: true }, ['d']],
    [{ price__is_not_null: true }, ['a', 'b', 'c', 'e', 'f', 'g', 'h']],
    [{ releasedAt__isnull: true }, ['c', 'f']],
    [{ releasedAt__gte: new Date('2024-01-05T00:00:00Z') }, ['a', 'd', 'e', 'g']],
    [{ releasedAt__lt: '2024-01-05T00:00:00Z' }, ['b', 'h']],
    [{ releasedAt: '2024-01-05T00:00:00.000Z' }, ['a', 'g']],
    [{ tags__contains: 'outdoor' }, ['c', 'e']],
    [{ sku: 'c' }, ['c']],
    [{ sku__in: ['c', 'zz', 'a'] }, ['a', 'c']],
  ])('filter %j', async (filter, expected) => {
    expect(await both(filter)).toEqual(expected)
  })

  it.each([
    [{ price__gt: 9 }, ['b', 'd', 'e', 'f', 'g']],
    [{ category: 'home' }, ['c', 'd', 'e', 'f', 'g', 'h']],
    [{ category: 'office', price__gt: 50 }, ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
    [{ releasedAt__isnull: true }, ['a', 'b', 'd', 'e', 'g', 'h']],
    [{ name__icontains: 'lamp' }, ['c', 'd', 'e', 'f', 'g']],
  ])('exclude %j keeps the exact complement (nulls included)', async (filter, expected) => {
    expect(await both(filter, 'exclude')).toEqual(expected)
  })

  it('combines filter and exclude, and an id filter', async () => {
    const home = await query(env.indexed).filter({ price__gte: 0 }).exclude({ category: 'home' }).all()
    expect(skus(home)).toEqual(['c', 'f', 'g', 'h'])
    const one = await query(env.indexed).filter({ sku: 'g' }).get()
    expect((await query(env.indexed).filter({ id: one.id }).get()).sku).toBe('g')
  })

  it('refuses an unknown operator with the list of valid ones, and an unknown field', () => {
    expect(() => query(env.indexed).filter({ price__around: 3 } as never)).toThrow(/price__around.*(eq|ne|gt).*/)
    expect(() => query(env.indexed).filter({ nme: 'a' } as never)).toThrow(/unknown field "nme"/i)
    expect(() => query(env.indexed).orderBy('nme' as never)).toThrow(/unknown field "nme"/)
  })
})
