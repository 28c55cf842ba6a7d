/**
 * `npx tsx --conditions=@s3verless/source bench/tx-bench.ts [pairs] [latencyMs]` with a real S3
 * server in S3_TEST_* (as `scripts/s3-server.sh env` prints): a two-record transaction (read two
 * accounts, move an amount from one to the other) against the same change as two single functional
 * updates (not atomic), side by side in one run: time and requests per change, and sequential round
 * trips (the extra time when every request gets `latencyMs` more, divided by `latencyMs`).
 */
import { createDatabase, defineModel, instrumentStore, transaction } from '@s3verless/core'
import { createTestBucket, s3TestServer } from '@s3verless/testing'
import * as z from 'zod'

const pairs = Number(process.argv[2] ?? 100)
const latency = Number(process.argv[3] ?? 40)
const server = s3TestServer()
if (!server) throw new Error('set S3_TEST_ENDPOINT (eval "$(bash scripts/s3-server.sh env)")')
const Account = defineModel(z.object({ owner: z.string(), balance: z.number().int() }), { name: 'Account', unique: ['owner'] })

async function run(extraLatency: number) {
  const { store } = await createTestBucket(server as NonNullable<typeof server>)
  const counted = instrumentStore(store)
  const db = createDatabase({ store: counted, models: [Account], leaseMs: 2000 })
  const accounts = db.repository(Account)
  const ids: [string, string][] = []
  for (let i = 0; i < pairs; i++) {
    ids.push([(await accounts.create({ owner: `a${i}`, balance: 100 })).id, (await accounts.create({ owner: `b${i}`, balance: 0 })).id])
  }
  counted.setLatency(extraLatency)
  const measure = async (change: (from: string, to: string) => Promise<unknown>) => {
    counted.reset()
    const t = performance.now()
    for (const [from, to] of ids) await change(from, to)
    return { ms: (performance.now() - t) / pairs, requests: counted.counts().total / pairs }
  }
  const tx = await measure((from, to) =>
    transaction(db, async (t) => {
      const a = t.repository(Account)
      const [x, y] = [await a.getOrThrow(from), await a.getOrThrow(to)]
      await a.update(from, { balance: x.balance - 1 })
      await a.update(to, { balance: y.balance + 1 })
    }),
  )
  const singles = await measure(async (from, to) => {
    await accounts.update(from, (x) => ({ balance: x.balance - 1 }))
    await accounts.update(to, (y) => ({ balance: y.balance + 1 }))
  })
  return { tx, singles }
}

const plain = await run(0)
const slow = await run(latency)
const rounds = (a: number, b: number) => ((b - a) / latency).toFixed(2)
console.log(`${pairs} two-record changes on ${server.provider}:`)
console.log('| change | ms | requests | sequential round trips |')
console.log('| --- | ---: | ---: | ---: |')
console.log(
  `| transaction (2 GETs, 2 intents, commit, 2 roll-forwards) | ${plain.tx.ms.toFixed(1)} | ${plain.tx.requests.toFixed(1)} | ${rounds(plain.tx.ms, slow.tx.ms)} |`,
)
console.log(
  `| two single functional updates (not atomic) | ${plain.singles.ms.toFixed(1)} | ${plain.singles.requests.toFixed(1)} | ${rounds(plain.singles.ms, slow.singles.ms)} |`,
)
