import { describe, expect, it } from 'vitest'
import { isS3verlessError } from '../../src/index.js'
import { lamp } from './fixtures.js'
import { client, invariantViolations, RGW_SKIP_REASON, rgwBucket, rgwServer } from './race-fixtures.js'

// Issue 8, finding 1 on Ceph RGW: two updates of one record that set the same value, several rounds.

const server = rgwServer()
if (!server) console.warn(`\n!!! SKIPPED: write races against a real S3 server: ${RGW_SKIP_REASON}\n`)
const ROUNDS = 5

describe.skipIf(!server)(`write races on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it(`${ROUNDS} rounds of two concurrent update(a, { sku }) and two update(b, { category }): both records stay findable`, async () => {
    const { products } = client(await rgwBucket(server!))
    const outcomes: string[] = []
    const failed: string[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const a = await products.create(lamp({ sku: `R${round}-0`, category: 'old' }))
      const b = await products.create(lamp({ sku: `R${round}-b`, category: 'old' }))
      const settled = await Promise.allSettled([
        products.update(a.id, { sku: `R${round}-1` }),
        products.update(a.id, { sku: `R${round}-1` }),
        products.update(b.id, { category: `new-${round}` }),
        products.update(b.id, { category: `new-${round}` }),
      ])
      for (const s of settled) {
        const outcome = s.status === 'fulfilled' ? 'ok' : isS3verlessError(s.reason) ? s.reason.code : String(s.reason)
        outcomes.push(outcome)
      }
      if ((await products.findBy('sku', `R${round}-1`))?.id !== a.id) failed.push(`round ${round}: findBy sku misses a`)
      const byCategory = await products.findAllBy('category', `new-${round}`)
      if (!byCategory.some((r) => r.id === b.id)) failed.push(`round ${round}: findAllBy category misses b`)
    }
    expect(outcomes.every((o) => o === 'ok' || o === 'model.conflict')).toBe(true)
    expect(failed).toEqual([])
    expect(await invariantViolations(products)).toEqual([])
  }, 120_000)
})
