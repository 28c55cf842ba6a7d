import v8 from 'node:v8'
import vm from 'node:vm'
import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'

// verify() and reindex() stream the records (issue 20): one listed page of records is read at a time
// and only the keys each record needs are kept, never the records, so a collection of large records
// is checked in memory that follows its entries, not its bytes.

const Doc = defineModel(z.object({ slug: z.string(), topic: z.string(), body: z.string() }), {
  name: 'Doc',
  plural: 'articles',
  unique: ['slug'],
  indexed: ['topic'],
})

describe('verify and reindex over a large collection', () => {
  it('hold the keys of 20,000 records of 4 KB, not the records (heap growth under 24 MB where the records are 80 MB)', async () => {
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    const heap = () => {
      gc()
      return process.memoryUsage().heapUsed / 2 ** 20
    }
    const store = instrumentStore(memoryStore())
    const docs = createDatabase({ store, models: [Doc], concurrency: 16 }).repository(Doc)
    const size = 20_000
    const filler = 'lorem ipsum '.repeat(340) // ~4 KB per record
    for (let i = 0; i < size; i += 1000) {
      await docs.createMany(
        Array.from({ length: 1000 }, (_, j) => ({ slug: `doc-${i + j}`, topic: `t${(i + j) % 20}`, body: `${i + j}${filler}` })),
      )
    }
    // Drift made on purpose, so the repair has work: one index entry and one claim removed.
    const entry = (await store.list('s3verless-data/_index/articles/topic/')).objects[0]?.key as string
    const claim = (await store.list('s3verless-data/_unique/articles/slug/')).objects[0]?.key as string
    expect(entry).toBeDefined()
    expect(claim).toBeDefined()
    await store.delete(entry)
    await store.delete(claim)

    const base = heap()
    let peak = base
    const progress: [number, number][] = []
    store.reset()
    const report = await docs.reindex({
      onProgress: (done, total) => {
        if (done % 2000 === 0) {
          peak = Math.max(peak, heap())
          progress.push([done, total])
        }
      },
    })
    const growth = peak - base
    console.log(`reindex of ${size} records of 4 KB: heap growth ${growth.toFixed(1)} MB; requests ${JSON.stringify(store.counts())}`)
    expect(report.records).toBe(size)
    expect(report.missingIndexEntries).toEqual([entry])
    expect(report.missingClaims.map((m) => m.id)).toHaveLength(1)
    expect(report.repaired.indexEntriesAdded).toBe(1)
    expect(report.repaired.claimsAdded).toBe(1)
    // The total is known from the first page on (a counting pass of LISTs only).
    expect(progress[0]).toEqual([2000, size])
    expect(progress.at(-1)).toEqual([size, size])
    expect(growth).toBeLessThan(24)
    // Requests: a GET per record and per claim, LISTs by the thousand (records twice: count, then read).
    const c = store.counts()
    expect(c.get).toBe(2 * size) // (19,999 claims listed, and one read by the repair that puts the missing one back)
    expect(c.list).toBeLessThanOrEqual(2 * (size / 1000) + size / 1000 + size / 1000 + 4)
    expect((await docs.verify()).missingIndexEntries).toEqual([])
  }, 300_000)
})
