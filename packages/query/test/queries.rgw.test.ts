import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { query } from '../src/index.js'
import { EXCLUDE_CASES, FILTER_CASES, fixtures } from './fixtures.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: queries against a real S3 server: ${S3_SKIP_REASON}\n`)
const skus = (items: { sku: string }[]) => items.map((i) => i.sku).sort()

describe.skipIf(!server)(
  `queries on a real S3 server (${server?.endpoint ?? 'none'}): its byte-order listing agrees with the key encoding`,
  async () => {
    const env = server ? await fixtures((await createTestBucket(server)).store) : undefined

    it.each(FILTER_CASES)('filter %j', async (filter, expected) => {
      expect(
        skus(
          await query(env!.indexed)
            .filter(filter as never)
            .all(),
        ),
      ).toEqual(expected)
      expect(
        skus(
          await query(env!.plain)
            .filter(filter as never)
            .all(),
        ),
      ).toEqual(expected)
    })

    it.each(EXCLUDE_CASES)('exclude %j', async (filter, expected) => {
      expect(
        skus(
          await query(env!.indexed)
            .exclude(filter as never)
            .all(),
        ),
      ).toEqual(expected)
    })

    it('orders through the indexes exactly as in memory, and cursors visit every record once', async () => {
      for (const field of ['price', '-price', 'name', 'releasedAt', '-createdAt', 'createdAt'] as const) {
        const viaIndex = (await query(env!.indexed).orderBy(field).all()).map((i) => i.sku)
        const inMemory = (await query(env!.plain).orderBy(field).all()).map((i) => i.sku)
        expect(viaIndex).toEqual(inMemory)
        const paged: string[] = []
        let cursor: string | undefined
        do {
          const page = await query(env!.indexed).orderBy(field).after(cursor).limit(3).fetch()
          paged.push(...page.items.map((i) => i.sku))
          cursor = page.nextCursor
        } while (cursor)
        expect(paged).toEqual(viaIndex)
      }
      expect((await query(env!.indexed).orderBy('name').all()).map((i) => i.name)).toEqual([
        'Chair',
        'Desk',
        'Hose',
        'Lamp',
        'Rake',
        'lamp shade',
        'lampoon',
        'Ünïcode 😀',
      ])
    })

    it('counts from the index with LISTs only', async () => {
      env!.store.reset()
      expect(await query(env!.indexed).filter({ price__gte: 9 }).count()).toBe(5)
      expect(env!.store.counts()).toMatchObject({ list: 1, get: 0 })
    })
  },
)
