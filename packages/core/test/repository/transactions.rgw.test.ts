import { describe, expect, it } from 'vitest'
import { createDatabase, transaction } from '../../src/index.js'
import { runSchedules, statistics, summarize } from '../checker/runner.js'
import { runTxSchedule } from '../checker/tx-schedule.js'
import { Product } from './fixtures.js'
import { RGW_SKIP_REASON, rgwBucket, rgwServer } from './race-fixtures.js'
import { MODELS, Order } from './tx-fixtures.js'

// Transactions on Ceph RGW (S3_TEST_*): the order/stock example with 20 concurrent buyers, and the
// transaction checker's schedules (S3V_TX_CHECKER_RGW_RUNS, default 40) with a 2 s lease.

const server = rgwServer()
if (!server) console.warn(`\n!!! SKIPPED: transactions against a real S3 server: ${RGW_SKIP_REASON}\n`)
const RUNS = Number(process.env.S3V_TX_CHECKER_RGW_RUNS ?? 40)
const LEASE = 2000

describe.skipIf(!server)(`transactions on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it('20 concurrent buyers of a stock of 5: exactly 5 orders, stock 0, never negative', async () => {
    const store = await rgwBucket(server!)
    const setup = createDatabase({ store, models: MODELS, leaseMs: LEASE })
    const product = await setup.repository(Product).create({ name: 'Lamp', sku: 'L', price: 1, category: 'c', stock: 5 })
    const seen: number[] = []
    const buy = async (buyer: number) => {
      const db = createDatabase({ store, models: MODELS, leaseMs: LEASE }) // one process per buyer
      try {
        await transaction(
          db,
          async (tx) => {
            const p = await tx.repository(Product).getOrThrow(product.id)
            seen.push(p.stock)
            if (p.stock < 1) throw new Error('sold out')
            await tx.repository(Product).update(product.id, { stock: p.stock - 1 })
            await tx.repository(Order).create({ productId: product.id, qty: 1, buyer: `b${buyer}` })
          },
          { retries: 60 },
        )
        return 'bought'
      } catch (error) {
        if (error instanceof Error && error.message === 'sold out') return 'sold out'
        throw error
      }
    }
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(i)))
    expect(results.filter((r) => r === 'bought')).toHaveLength(5)
    expect(results.filter((r) => r === 'sold out')).toHaveLength(15)
    const after = createDatabase({ store, models: MODELS, leaseMs: LEASE })
    expect((await after.repository(Product).getOrThrow(product.id)).stock).toBe(0)
    expect(await after.repository(Order).findAllBy('productId', product.id)).toHaveLength(5)
    expect(await after.repository(Order).count()).toBe(5)
    expect(Math.min(...seen)).toBe(0) // buyers saw the stock run out, never below
  }, 300_000)

  it(`${RUNS} random transaction schedules with a 2 s lease: atomic, nothing acknowledged lost, total kept`, async () => {
    const store = await rgwBucket(server!)
    const result = await runSchedules(
      RUNS,
      12,
      (seed) =>
        runTxSchedule({
          seed,
          store,
          basePath: `tx-schedule-${seed}/`,
          leaseMs: LEASE,
          maxLatencyMs: 5,
          stallChance: 0.02,
          stallMs: [LEASE + 20, 2 * LEASE],
          lostAnswerChance: 0.02,
          lateChance: 0.01,
          lateMs: 200,
          failChance: 0.01,
          crashChance: 0.15,
          trace: process.env.S3V_CHECKER_TRACE === '1',
        }),
      Number(process.env.S3V_TX_CHECKER_SEED ?? 1),
    )
    if (process.env.S3V_CHECKER_STATS === '1') console.log(statistics(result))
    if (result.failed.length > 0) console.log(summarize(result, 3))
    expect(
      result.failed.map((f) => f.seed),
      summarize(result, 1),
    ).toEqual([])
  }, 900_000)
})
