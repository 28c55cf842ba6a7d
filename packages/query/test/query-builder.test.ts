import { describe, expect, expectTypeOf, it } from 'vitest'
import { query } from '../src/index.js'
import { fixtures } from './fixtures.js'

const env = await fixtures()
const q = () => query(env.indexed)

describe('query builder and execution', () => {
  it('is immutable: each call returns a new query', async () => {
    const base = q().filter({ category: 'home' })
    const cheap = base.filter({ price__lt: 10 })
    expect((await base.all()).length).toBe(2)
    expect((await cheap.all()).map((i) => i.sku)).toEqual(['b'])
  })

  it('orders by any field, nulls first ascending and last descending', async () => {
    expect((await q().orderBy('price').all()).map((i) => i.price)).toEqual([null, -3, 0, 9, 9, 12.5, 30, 100])
    expect((await q().orderBy('-price').all()).map((i) => i.price)).toEqual([100, 30, 12.5, 9, 9, 0, -3, null])
    expect((await q().orderBy('name').limit(3).all()).map((i) => i.name)).toEqual(['Chair', 'Desk', 'Hose'])
    expect((await query(env.plain).orderBy('-releasedAt').limit(2).all()).map((i) => i.sku)).toEqual(['d', 'e'])
    expect((await q().orderBy('createdAt').all()).map((i) => i.sku)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
    expect((await q().orderBy('-createdAt').limit(3).all()).map((i) => i.sku)).toEqual(['h', 'g', 'f'])
  })

  it('applies offset after ordering, and limit', async () => {
    expect((await q().orderBy('price').offset(2).limit(3).all()).map((i) => i.price)).toEqual([0, 9, 9])
    expect((await q().orderBy('price').offset(7).all()).map((i) => i.price)).toEqual([100])
  })

  it('first, get (with distinct errors for none and several), exists', async () => {
    expect((await q().filter({ price__gt: 50 }).first())?.sku).toBe('h')
    expect(await q().filter({ price__gt: 500 }).first()).toBeNull()
    expect((await q().filter({ sku: 'a' }).get()).name).toBe('Lamp')
    expect(
      (
        await q()
          .filter({ price__gt: 500 })
          .get()
          .catch((e) => e)
      ).code,
    ).toBe('query.noResults')
    expect(
      (
        await q()
          .filter({ category: 'home' })
          .get()
          .catch((e) => e)
      ).code,
    ).toBe('query.multipleResults')
    expect(await q().filter({ category: 'office' }).exists()).toBe(true)
    expect(await q().filter({ category: 'nowhere' }).exists()).toBe(false)
  })

  it('counts (index-covered, plain, exact) and respects limit/offset', async () => {
    expect(await q().count()).toBe(8)
    expect(await q().filter({ category: 'home' }).count()).toBe(2)
    expect(await q().filter({ price__gte: 9 }).count()).toBe(5)
    expect(await q().filter({ name__icontains: 'lamp' }).count()).toBe(3)
    expect(await q().filter({ price__gte: 9 }).count({ exact: true })).toBe(5)
    expect(await q().filter({ price__gte: 9 }).offset(1).limit(2).count()).toBe(2)
  })

  it('paginates with totals and a cursor', async () => {
    const p2 = await q().orderBy('price').paginate(2, 3)
    expect(p2).toMatchObject({ totalCount: 8, page: 2, pageSize: 3, totalPages: 3, hasNext: true, hasPrev: true })
    expect(p2.items.map((i) => i.price)).toEqual([9, 9, 12.5])
    const rest = await q().orderBy('price').after(p2.nextCursor).limit(10).fetch()
    expect(rest.items.map((i) => i.price)).toEqual([30, 100])
    expect(rest.nextCursor).toBeUndefined()
  })

  it('walks every record exactly once with cursors, for indexed and in-memory orders alike', async () => {
    for (const build of [
      () => q().orderBy('price'),
      () => q().orderBy('-price'),
      () => q().orderBy('name'),
      () => query(env.plain).orderBy('-price'),
      () => q(),
    ]) {
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await build().after(cursor).limit(3).fetch()
        seen.push(...page.items.map((i) => i.sku))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
    }
  })

  it('refuses a cursor from another query', async () => {
    const { nextCursor } = await q().orderBy('price').limit(2).fetch()
    expect(
      (
        await q()
          .orderBy('name')
          .after(nextCursor)
          .fetch()
          .catch((e) => e)
      ).code,
    ).toBe('query.invalidCursor')
    expect(
      (
        await q()
          .after('garbage!')
          .fetch()
          .catch((e) => e)
      ).code,
    ).toBe('query.invalidCursor')
  })

  it('selects fields (typed) and prefetches relations', async () => {
    const rows = await q().filter({ category: 'home' }).select('name', 'price').orderBy('price').all()
    expectTypeOf(rows[0]!).toMatchTypeOf<{ id: string; name: string; price: number | null }>()
    expect(rows).toEqual([
      { id: expect.any(String), name: 'lamp shade', price: 9 },
      { id: expect.any(String), name: 'Lamp', price: 30 },
    ])
    expect(() => q().prefetchRelated('nothing')).toThrow(/has no relation "nothing"/)
  })

  it('type-checks filters against the model', () => {
    // @ts-expect-error price__gt takes a number (and at run time, from a query string say, it is refused)
    expect(() => q().filter({ price__gt: 'x' }).explain()).toThrow(/needs a number for the number field "price", got "x"/)
    // @ts-expect-error nme is not a field
    expect(() => q().filter({ nme: 'a' })).toThrow()
    expectTypeOf(q().filter({ price__in: [1, 2], name__icontains: 'a', releasedAt__isnull: true })).toMatchTypeOf<object>()
  })

  it('refuses bad limits and offsets', () => {
    expect(() => q().limit(-1)).toThrow(/limit must be an integer/)
    expect(() => q().offset(1.5)).toThrow(/offset must be an integer/)
  })
})

describe('explain and maxScan', () => {
  it('names the access path and predicted requests without I/O', () => {
    env.store.reset()
    expect(q().filter({ id: '01900000-0000-7000-8000-000000000000' }).explain()).toMatchObject({
      path: { kind: 'ids' },
      predicted: { requests: 1 },
    })
    expect(q().filter({ sku: 'a' }).explain()).toMatchObject({ path: { kind: 'unique', field: 'sku' }, predicted: { requests: 2 } })
    expect(q().filter({ category: 'home' }).limit(20).explain()).toMatchObject({
      path: { kind: 'indexEq', field: 'category' },
      ordered: true,
      scan: false,
      predicted: { requests: 21 },
    })
    expect(
      q()
        .filter({ category__in: ['a', 'b'] })
        .explain().path,
    ).toMatchObject({ kind: 'indexEq', values: ['a', 'b'] })
    expect(q().filter({ price__gte: 5, price__lt: 9 }).explain().path).toEqual({
      kind: 'indexRange',
      field: 'price',
      lower: { value: 5, inclusive: true },
      upper: { value: 9, inclusive: false },
      descending: false,
    })
    expect(q().filter({ name__startswith: 'La' }).explain().path).toEqual({ kind: 'indexPrefix', field: 'name', prefix: 'La' })
    expect(q().orderBy('-createdAt').limit(20).explain()).toMatchObject({
      path: { kind: 'indexRange', field: 'createdAt', descending: true },
      ordered: true,
      scan: false,
      predicted: { requests: 21 },
    })
    expect(q().orderBy('-price').filter({ price__lt: 50 }).limit(5).explain()).toMatchObject({
      path: { kind: 'indexRange', field: 'price', descending: true },
      ordered: true,
    })
    expect(q().limit(20).explain()).toMatchObject({ path: { kind: 'records' }, scan: false, predicted: { requests: 21 } })
    const scan = q().filter({ name__icontains: 'x' }).explain()
    expect(scan).toMatchObject({ path: { kind: 'records' }, scan: true, predicted: { requests: null } })
    expect(scan.description).toMatch(/FULL SCAN/)
    expect(env.store.counts().total).toBe(0)
  })

  it('refuses a scan over maxScan, per query or as a default, and never refuses an indexed query', async () => {
    env.store.reset()
    expect(
      (
        await q()
          .filter({ name__icontains: 'a' })
          .maxScan(0)
          .all()
          .catch((e) => e)
      ).code,
    ).toBe('query.tooExpensive')
    expect(env.store.counts().total).toBe(0)
    expect(
      (
        await q()
          .filter({ name__icontains: 'a' })
          .maxScan(5)
          .all()
          .catch((e) => e)
      ).message,
    ).toMatch(/over its maxScan budget of 5 records/)
    expect((await q().filter({ name__icontains: 'a' }).maxScan(8).all()).map((i) => i.sku).sort()).toEqual(['a', 'b', 'c', 'f', 'h'])
    const strict = query(env.indexed, { maxScan: 0 })
    expect(
      (
        await strict
          .filter({ tags__contains: 'x' })
          .count()
          .catch((e) => e)
      ).code,
    ).toBe('query.tooExpensive')
    expect((await strict.filter({ category: 'home' }).all()).length).toBe(2)
  })
})
