/**
 * Wrong answers found by the differential fuzz (issue 9 items 1, 2, 3, 5, 7, 8; issue 8 item 8), each
 * reproduced with a few records on the memory store. The fuzz itself is differential-fuzz.test.ts.
 */
import { createDatabase, defineModel, memoryStore } from '@s3verless/core'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const Doc = defineModel(
  z.object({ s: z.string(), plain: z.string().optional(), n: z.number(), cat: z.string(), d: z.date().nullable(), sku: z.string() }),
  { name: 'Doc', plural: 'papers', unique: ['sku'], indexed: ['s', 'n', 'cat', 'd'], indexedDescending: ['n', 'd'] },
)

const L = 'L'.repeat(300)
/** A UUIDv7 carrying `ms` (built here: core's generator keeps its clock monotonic across calls). */
const v7At = (ms: number, tail: string) => {
  const t = ms.toString(16).padStart(12, '0')
  return `${t.slice(0, 8)}-${t.slice(8)}-7000-8000-${tail.padStart(12, '0')}`
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function docs(rows: Partial<{ id: string; s: string; n: number; cat: string; d: Date | null; plain: string }>[]) {
  const repo = createDatabase({ store: memoryStore(), models: [Doc] }).repository(Doc)
  const created = []
  for (const [i, row] of rows.entries()) {
    created.push(await repo.create({ s: `s${i}`, n: i, cat: 'c', d: null, sku: `k${i}`, ...row }))
    await sleep(2) // distinct createdAt values
  }
  return { repo, created, q: () => query(repo) }
}

async function walk(page: (cursor: string | undefined) => Promise<{ items: { s: string }[]; nextCursor: string | undefined }>) {
  const seen: string[] = []
  let cursor: string | undefined
  for (let i = 0; i < 50; i++) {
    const result = await page(cursor)
    seen.push(...result.items.map((r) => r.s))
    cursor = result.nextCursor
    if (!cursor) return seen
  }
  throw new Error(`cursor paging did not end: ${seen.length} seen`)
}

describe('issue 9.1 / 8.8: long strings (stored truncated and hashed) order, bound and count by value', () => {
  it('orders, limits and pages long values by their text, not their hash', async () => {
    const { q } = await docs([{ s: `${L}b` }, { s: `${L}ab` }, { s: `${L}a` }, { s: 'a' }, { s: 'z' }])
    const text = (rows: { s: string }[]) => rows.map((r) => (r.s.startsWith(L) ? `L+${r.s.slice(300)}` : r.s))
    // 'L' (0x4c) sorts before 'a' (0x61)
    expect(text(await q().orderBy('s').all())).toEqual(['L+a', 'L+ab', 'L+b', 'a', 'z'])
    expect(text(await q().orderBy('s').limit(2).all())).toEqual(['L+a', 'L+ab'])
    expect(text([(await q().orderBy('s').offset(1).first()) as { s: string }])).toEqual(['L+ab'])
    expect(
      text(
        await q()
          .filter({ s__gt: `${L}a` })
          .orderBy('s')
          .all(),
      ),
    ).toEqual(['L+ab', 'L+b', 'a', 'z'])
    expect(
      text(
        await q()
          .filter({ s__gte: `${L}ab`, s__lt: `${L}b` })
          .all(),
      ),
    ).toEqual(['L+ab'])
    expect(
      text(
        await q()
          .filter({ s__startswith: `${L}a` })
          .orderBy('s')
          .all(),
      ),
    ).toEqual(['L+a', 'L+ab'])
    const paged = await walk((cursor) => q().orderBy('s').after(cursor).limit(1).fetch())
    expect(text(paged.map((s) => ({ s })))).toEqual(['L+a', 'L+ab', 'L+b', 'a', 'z'])
  })

  it('counts long values against bounds and prefixes exactly (verifying hashed entries)', async () => {
    const { q } = await docs([{ s: `${L}b` }, { s: `${L}ab` }, { s: `${L}a` }, { s: 'a' }])
    expect(
      await q()
        .filter({ s__gt: `${L}a` })
        .count(),
    ).toBe(3) // L+ab, L+b and "a"
    expect(
      await q()
        .filter({ s__lte: `${L}ab` })
        .count(),
    ).toBe(2)
    expect(await q().filter({ s__lt: 'a' }).count()).toBe(3)
    expect(
      await q()
        .filter({ s__startswith: `${L}a` })
        .count(),
    ).toBe(2)
    expect(
      await q()
        .filter({ s__startswith: `${L}ab` })
        .count(),
    ).toBe(1)
    expect(
      await q()
        .filter({ s: `${L}ab` })
        .count(),
    ).toBe(1)
  })

  it('issue 8.8: orderBy(title).limit(3) over long titles a…h returns a, b, c', async () => {
    const letters = ['c', 'e', 'b', 'h', 'a', 'g', 'd', 'f']
    const { q } = await docs(letters.map((x) => ({ s: `${'T'.repeat(400)}${x}` })))
    expect((await q().orderBy('s').limit(3).all()).map((r) => r.s.slice(400))).toEqual(['a', 'b', 'c'])
  })

  it('a startswith operand ending in half a surrogate pair answers as on a scan (it cannot be an index key)', async () => {
    const { q } = await docs([
      { s: '😀a', plain: '😀a' },
      { s: 'b', plain: 'b' },
    ])
    expect((await q().filter({ s__startswith: '\ud83d' }).all()).map((r) => r.s)).toEqual(['😀a'])
    expect((await q().filter({ plain__startswith: '\ud83d' }).all()).map((r) => r.s)).toEqual(['😀a'])
    expect(await q().filter({ s__startswith: '\ud83d' }).count()).toBe(1)
  })
})

describe('issue 9.2: two bounds on one side of a field intersect', () => {
  it('count(), all() and paginate().totalCount agree', async () => {
    const { q } = await docs(Array.from({ length: 10 }, (_, n) => ({ n })))
    const both = () => q().filter({ n__gt: 5 }).filter({ n__gte: 2 })
    expect((await both().all()).map((r) => r.n)).toEqual([6, 7, 8, 9])
    expect(await both().count()).toBe(4)
    expect((await both().paginate(1, 2)).totalCount).toBe(4)
    expect(await q().filter({ n__lt: 3, n__lte: 7 }).count()).toBe(3)
    expect(await q().filter({ n__gte: 2 }).filter({ n__gt: 5 }).count()).toBe(4)
    expect(await q().filter({ n__lte: 7 }).filter({ n__lt: 7 }).count()).toBe(7)
  })
})

describe('issue 9.3: cursors advance on every path, and an offset is applied once', () => {
  it('pages through id__in', async () => {
    const { q, created } = await docs(Array.from({ length: 5 }, () => ({})))
    const ids = created.map((r) => r.id)
    const seen = await walk((cursor) => q().filter({ id__in: ids }).after(cursor).limit(2).fetch())
    expect(seen.sort()).toEqual(['s0', 's1', 's2', 's3', 's4'])
  })

  it('pages through a unique lookup', async () => {
    const { q } = await docs([{}, {}])
    expect(await walk((cursor) => q().filter({ sku: 'k1' }).after(cursor).limit(1).fetch())).toEqual(['s1'])
  })

  it('skips the offset on the first page only', async () => {
    const { q } = await docs(Array.from({ length: 10 }, (_, n) => ({ n })))
    const seen = await walk((cursor) => q().orderBy('n').offset(2).after(cursor).limit(3).fetch())
    expect(seen).toEqual(['s2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'])
    const sorted = await walk((cursor) => q().orderBy('s').filter({ n__gte: 0 }).offset(2).after(cursor).limit(3).fetch())
    expect(sorted).toEqual(['s2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'])
  })
})

describe('ids are normalised once (issue 9 item 4, on the query side)', () => {
  it('finds a record by its id in upper case, as the repository does', async () => {
    const { q, created } = await docs([{}, {}])
    const upper = String(created[1]?.id).toUpperCase()
    expect((await q().filter({ id: upper }).all()).map((r) => r.s)).toEqual(['s1'])
    expect(
      (
        await q()
          .filter({ id__in: [upper] })
          .all()
      ).map((r) => r.s),
    ).toEqual(['s1'])
    expect((await q().filter({ n__gte: 0, id: upper }).all()).map((r) => r.s)).toEqual(['s1'])
  })
})

describe("issue 9.5: orderBy('createdAt') is creation order, whatever the ids", () => {
  it('with caller-chosen ids, on the records path and on single-value index equality', async () => {
    const late = v7At(Date.now() + 86_400_000, '1') // an id from tomorrow, for the first record
    const early = v7At(Date.now() - 86_400_000, '2') // and one from yesterday, for the third
    const { q } = await docs([{ id: late }, {}, { id: early }, {}])
    expect((await q().orderBy('createdAt').all()).map((r) => r.s)).toEqual(['s0', 's1', 's2', 's3'])
    expect((await q().orderBy('createdAt').limit(2).all()).map((r) => r.s)).toEqual(['s0', 's1'])
    expect((await q().filter({ cat: 'c' }).orderBy('createdAt').limit(2).all()).map((r) => r.s)).toEqual(['s0', 's1'])
    expect(await walk((cursor) => q().orderBy('createdAt').after(cursor).limit(3).fetch())).toEqual(['s0', 's1', 's2', 's3'])
  })
})

describe('issue 9.7: extended-year ISO operands', () => {
  it("'+002024-01-05' matches through a date index, ascending and descending", async () => {
    const d = new Date('2024-01-05T00:00:00Z')
    const { q } = await docs([{ d }, { d }, { d: new Date('2023-01-01T00:00:00Z') }, { d: null }])
    expect(await q().filter({ d: '+002024-01-05' }).count()).toBe(2)
    expect((await q().filter({ d: '+002024-01-05T00:00:00Z' }).all()).length).toBe(2)
    expect((await q().filter({ d__gte: '+002024-01-05' }).orderBy('-d').all()).map((r) => r.s)).toEqual(['s1', 's0'])
    expect((await q().filter({ d__lt: '+002024-01-05' }).orderBy('-d').all()).map((r) => r.s)).toEqual(['s2'])
    // A string that is no date is refused, naming the field (it used to match nothing in silence).
    expect(() => q().filter({ d__gt: 'not a date' })).toThrow(/"d__gt" needs a Date or an ISO-8601 string/)
  })
})

describe('issue 9.8: documented semantics', () => {
  const tz = process.env.TZ
  afterEach(() => {
    process.env.TZ = tz
  })

  it('an ISO operand without an offset is UTC, whatever TZ says', async () => {
    const { q } = await docs([{ d: new Date('2024-01-05T10:00:00Z') }])
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      process.env.TZ = zone
      expect(await q().filter({ d: '2024-01-05T10:00' }).count(), zone).toBe(1)
      expect(await q().filter({ d__gte: '2024-01-05T10:00:00', d__lt: '2024-01-05T10:00:01' }).count({ exact: true }), zone).toBe(1)
    }
  })

  it('an ISO input without an offset is stored as UTC too, so the same text finds it', async () => {
    process.env.TZ = 'America/New_York'
    const { q, created } = await docs([{ d: '2024-01-05T10:00' as never }])
    expect(created[0]?.d?.toISOString()).toBe('2024-01-05T10:00:00.000Z')
    expect(await q().filter({ d: '2024-01-05T10:00' }).count()).toBe(1)
  })

  it('first() and exists() honour limit(0)', async () => {
    const { q } = await docs([{}, {}])
    expect(await q().limit(0).first()).toBeNull()
    expect(await q().limit(0).exists()).toBe(false)
    expect(await q().orderBy('n').limit(0).first()).toBeNull()
    expect(await q().offset(2).exists()).toBe(false)
  })

  it("paginate() pages within the query's offset and limit", async () => {
    const { q } = await docs(Array.from({ length: 10 }, (_, n) => ({ n })))
    const p1 = await q().orderBy('n').offset(2).limit(5).paginate(1, 3)
    expect(p1.items.map((r) => r.n)).toEqual([2, 3, 4])
    expect(p1).toMatchObject({ totalCount: 5, totalPages: 2, hasNext: true, hasPrev: false })
    const p2 = await q().orderBy('n').offset(2).limit(5).paginate(2, 3)
    expect(p2.items.map((r) => r.n)).toEqual([5, 6])
    expect(p2).toMatchObject({ totalCount: 5, hasNext: false, nextCursor: undefined })
  })

  it('a field of no single kind compares Dates and ISO strings by instant through its index too', async () => {
    const Mixed = defineModel(z.object({ when: z.union([z.date(), z.string()]) }), { name: 'Mixed', indexed: ['when'] })
    const repo = createDatabase({ store: memoryStore(), models: [Mixed] }).repository(Mixed)
    await repo.create({ when: new Date('2024-01-05T00:00:00Z') })
    await repo.create({ when: '2024-01-05T00:00:00.000Z' })
    await repo.create({ when: 'later' })
    expect(await query(repo).filter({ when: '2024-01-05T00:00:00.000Z' }).count()).toBe(2)
    expect(
      await query(repo)
        .filter({ when: new Date('2024-01-05T00:00:00Z') })
        .count(),
    ).toBe(2)
    expect(
      await query(repo)
        .filter({ when__gte: new Date('2024-01-01T00:00:00Z') })
        .count(),
    ).toBe(2)
  })

  it('a Date compared with a string field is refused, through its index and on a scan alike', async () => {
    const { q } = await docs([{ s: '2024-01-05', plain: '2024-01-05' }])
    const d = new Date('2024-01-05T00:00:00Z')
    for (const filter of [{ s: d }, { plain: d }, { s__gte: d }, { plain__in: [d] }]) {
      const error = await Promise.resolve()
        .then(() =>
          q()
            .filter(filter as never)
            .all(),
        )
        .catch((e) => e)
      expect(error.code, JSON.stringify(Object.keys(filter))).toBe('query.invalidFilter')
    }
  })
})
