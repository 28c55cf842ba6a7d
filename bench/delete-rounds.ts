/**
 * `npx tsx --conditions=@s3verless/source bench/delete-rounds.ts [records] [latencyMs]` with a real
 * S3 server in S3_TEST_* (as `scripts/s3-server.sh env` prints): measures a repository delete on
 * that server against the raw floor (one DeleteObject per record), side by side in one run, and its
 * sequential round trips: the extra time per delete when every request gets `latencyMs` more,
 * divided by `latencyMs`.
 */
import { createDatabase, defineModel, instrumentStore } from '@s3verless/core'
import { createTestBucket, s3TestServer } from '@s3verless/testing'
import * as z from 'zod'

const records = Number(process.argv[2] ?? 200)
const latency = Number(process.argv[3] ?? 40)
const server = s3TestServer()
if (!server) throw new Error('set S3_TEST_ENDPOINT (eval "$(bash scripts/s3-server.sh env)")')
const Item = defineModel(z.object({ sku: z.string(), category: z.string(), price: z.number() }), {
  name: 'Item',
  unique: ['sku'],
  indexed: ['category', 'price'],
})

async function run(extraLatency: number) {
  const { store } = await createTestBucket(server as NonNullable<typeof server>)
  const counted = instrumentStore(store)
  const items = createDatabase({ store: counted, models: [Item] }).repository(Item)
  const made = []
  for (let i = 0; i < records; i++) made.push(await items.create({ sku: `S-${i}`, category: `c${i % 7}`, price: i }))
  for (let i = 0; i < records; i++) await store.put(`raw/${i}`, '{}')
  counted.setLatency(extraLatency)
  counted.reset()
  let t = performance.now()
  for (const item of made) await items.delete(item.id)
  const ours = (performance.now() - t) / records
  const requests = counted.counts().total / records
  counted.reset()
  t = performance.now()
  for (let i = 0; i < records; i++) await counted.delete(`raw/${i}`)
  const raw = (performance.now() - t) / records
  return { ours, raw, requests }
}

const plain = await run(0)
const slow = await run(latency)
const rounds = (slow.ours - plain.ours) / latency
console.log(`${records} deletes on ${server.provider}, 1 unique + 2 indexed fields:`)
console.log(
  `  repository delete ${plain.ours.toFixed(1)} ms, raw DeleteObject ${plain.raw.toFixed(1)} ms: ${(plain.ours / plain.raw).toFixed(2)}× the floor`,
)
console.log(
  `  requests per delete ${plain.requests.toFixed(1)}; sequential round trips ${rounds.toFixed(2)} (raw: ${((slow.raw - plain.raw) / latency).toFixed(2)})`,
)
