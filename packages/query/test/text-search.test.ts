import { describe, expect, it } from 'vitest'
import { query } from '../src/index.js'
import { fixtures } from './fixtures.js'

const skus = (items: { sku: string }[]) => items.map((i) => i.sku).sort()

describe('text search', () => {
  it('matches case-insensitively, OR across fields (arrays of strings too), AND with filters', async () => {
    const { indexed, plain } = await fixtures()
    for (const repo of [indexed, plain] as (typeof indexed)[]) {
      expect(skus(await query(repo).search('LAMP').all())).toEqual(['a', 'b', 'h'])
      expect(skus(await query(repo).search('OUTdoor').all())).toEqual(['c', 'e'])
      expect(skus(await query(repo).search('H', ['sku', 'name']).all())).toEqual(['b', 'e', 'f', 'h'])
      expect(skus(await query(repo).search('H', ['sku']).all())).toEqual(['h'])
      expect(skus(await query(repo).filter({ category: 'home' }).search('shade').all())).toEqual(['b'])
      expect(skus(await query(repo).search('').all())).toHaveLength(8)
    }
    expect(() => query(indexed).search('x', ['price'])).toThrow(/Cannot search "price" of Item: not a text field/)
    expect(() => query(indexed).search('x', ['colour'])).toThrow(/Cannot search "colour"/)
  })

  it('explain() says it is checked on each record read: a scan alone, the index behind an indexed filter; maxScan holds', async () => {
    const { indexed } = await fixtures()
    const alone = query(indexed).search('lamp').limit(2).explain()
    expect([alone.scan, alone.path.kind, alone.coveredByIndex]).toEqual([true, 'records', false])
    expect(alone.description).toContain('"lamp" searched in name,sku,category,tags on each record read (no index serves it)')
    const behind = query(indexed).filter({ category: 'home' }).search('lamp').explain()
    expect([behind.scan, behind.path.kind]).toEqual([false, 'indexEq'])
    await expect(query(indexed, { maxScan: 3 }).search('lamp').all()).rejects.toMatchObject({ code: 'query.tooExpensive' })
    expect(skus(await query(indexed, { maxScan: 3 }).filter({ category: 'home' }).search('shade').all())).toEqual(['b'])
  })

  it('a cursor resumes only the same search', async () => {
    const { plain } = await fixtures()
    const first = await query(plain).search('lamp').orderBy('sku').limit(2).fetch()
    expect(skus(first.items)).toEqual(['a', 'b'])
    const next = await query(plain).search('lamp').orderBy('sku').limit(2).after(first.nextCursor).fetch()
    expect(skus(next.items)).toEqual(['h'])
    await expect(query(plain).search('rake').orderBy('sku').after(first.nextCursor).fetch()).rejects.toMatchObject({
      code: 'query.invalidCursor',
    })
  })

  it('a page that met a corrupt record says so, and paginate does not count it', async () => {
    const { plain, store } = await fixtures()
    await store.put(plain.core.layout.recordKey('018f0000-0000-7000-8000-00000000bad0'), `{"name": 5${' '.repeat(100)}`) // (under 100 bytes it would be skipped as a tombstone)
    const page = await query(plain).limit(100).fetch()
    expect([page.items.length, page.skipped]).toEqual([8, 1])
    const numbered = await query(plain).paginate(1, 20)
    expect([numbered.items.length, numbered.totalCount, numbered.skipped]).toEqual([8, 8, 1])
    expect(await query(plain).count()).toBe(9) // a count from the listing alone cannot see it
  })
})
