import { describe, expect, it } from 'vitest'
import { query } from '../src/index.js'
import { EXCLUDE_CASES, FILTER_CASES, fixtures } from './fixtures.js'

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
  it.each(FILTER_CASES)('filter %j', async (filter, expected) => {
    expect(await both(filter)).toEqual(expected)
  })

  it.each(EXCLUDE_CASES)('exclude %j keeps the exact complement (nulls included)', async (filter, expected) => {
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
