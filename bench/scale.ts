/**
 * Scale benchmarks of issue 20, measured side by side in one run (these machines are noisy):
 *   npx tsx --conditions=@s3verless/source bench/scale.ts iterate [records=1000000] [latencyMs=20] [methods=repo,query,all]
 *     streaming iterate() against all() on the memory store, every request `latencyMs` slower, 16 in
 *     flight: records/s and peak heap (sampled after GC every 10,000 records);
 *   ... bench/scale.ts reindex [records=100000]: reindex() on the memory store, requests and time;
 *   ... bench/scale.ts import [records=10000] [concurrency=16]: importMany on the S3 server in S3_TEST_*
 *     against a raw PUT loop at the same concurrency: time per record against (requests per record ×
 *     raw PUT time).
 * Run with `node --expose-gc` (the script re-runs itself so) for the heap figures.
 */
import { createDatabase, defineModel, importMany, instrumentStore, memoryStore } from '@s3verless/core'
import { query } from '@s3verless/query'
import { createTestBucket, s3TestServer } from '@s3verless/testing'
import * as z from 'zod'

const [what = 'iterate', a, b, only] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
const heapMb = () => {
  gc?.()
  return process.memoryUsage().heapUsed / 2 ** 20
}
const Row = defineModel(z.object({ name: z.string(), n: z.number() }), { name: 'Row' })
const Item = defineModel(z.object({ sku: z.string(), category: z.string(), price: z.number() }), {
  name: 'Item',
  unique: ['sku'],
  indexed: ['category', 'price'],
})

async function loaded(records: number) {
  const store = instrumentStore(memoryStore())
  const rows = createDatabase({ store, models: [Row], concurrency: 16 }).repository(Row)
  const inputs = function* () {
    for (let i = 0; i < records; i++) yield { name: `r${i}`, n: i }
  }
  await importMany(rows, inputs(), { concurrency: 64 })
  return { store, rows }
}

async function iterateBench(records: number, latency: number, methods = ['repo', 'query', 'all']) {
  const { store, rows } = await loaded(records)
  store.setLatency(latency)
  const measure = async (label: string, run: (sample: () => void) => Promise<number>) => {
    const base = heapMb()
    let peak = base
    store.reset()
    const t = performance.now()
    const count = await run(() => {
      peak = Math.max(peak, heapMb())
    })
    const s = (performance.now() - t) / 1000
    const c = store.counts()
    console.log(
      `| ${label} | ${count.toLocaleString('en')} | ${s.toFixed(1)} | ${Math.round(count / s).toLocaleString('en')} | ${(peak - base).toFixed(1)} | ${c.list} LIST + ${c.get.toLocaleString('en')} GET |`,
    )
  }
  console.log(
    `memory store, ${records.toLocaleString('en')} records, +${latency} ms per request, 16 in flight${gc ? '' : ' (no GC exposed: heap figures are rough)'}\n`,
  )
  console.log('| method | records | seconds | records/s | peak heap growth (MB) | requests |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  if (methods.includes('repo'))
    await measure('`repo.iterate()`', async (sample) => {
      let n = 0
      for await (const _ of rows.iterate()) if (++n % 10_000 === 0) sample()
      return n
    })
  if (methods.includes('query'))
    await measure('`query(repo).iterate()`', async (sample) => {
      let n = 0
      for await (const _ of query(rows).iterate()) if (++n % 10_000 === 0) sample()
      return n
    })
  if (methods.includes('all'))
    await measure('`query(repo).all()`', async (sample) => {
      const all = await query(rows).all()
      sample()
      return all.length
    })
}

async function reindexBench(records: number) {
  const store = instrumentStore(memoryStore())
  const items = createDatabase({ store, models: [Item], concurrency: 16 }).repository(Item)
  const inputs = function* () {
    for (let i = 0; i < records; i++) yield { sku: `S-${i}`, category: `c${i % 50}`, price: i % 1000 }
  }
  await importMany(items, inputs(), { concurrency: 64 })
  store.reset()
  const t = performance.now()
  const report = await items.reindex()
  const s = (performance.now() - t) / 1000
  const c = store.counts()
  console.log(`reindex() of ${records.toLocaleString('en')} records (1 unique + 2 indexed fields), memory store, no added latency:`)
  console.log(`${s.toFixed(1)} s; requests: ${JSON.stringify(c)}; missing entries found ${report.missingIndexEntries.length}`)
}

async function importBench(records: number, concurrency: number) {
  const server = s3TestServer()
  if (!server) throw new Error('set S3_TEST_ENDPOINT (eval "$(bash scripts/s3-server.sh env)")')
  const { store } = await createTestBucket(server)
  const counted = instrumentStore(store)
  const items = createDatabase({ store: counted, models: [Item], concurrency }).repository(Item)
  await items.indexStatus() // the catalog, once
  const rows = function* (prefix: string) {
    for (let i = 0; i < records; i++) yield { sku: `${prefix}-${i}`, category: `c${i % 50}`, price: i % 1000 }
  }
  const raw = async () => {
    const t = performance.now()
    let next = 0
    const worker = async () => {
      while (next < records) {
        const i = next++
        await store.put(`raw/${i}.json`, JSON.stringify({ sku: `R-${i}`, category: 'c', price: i }))
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return (performance.now() - t) / records
  }
  const ours = async (prefix: string) => {
    counted.reset()
    let last = 0
    const t = performance.now()
    const report = await importMany(items, rows(prefix), {
      concurrency,
      onProgress: (p) => {
        if (p.done - last >= records / 4) {
          last = p.done
          process.stderr.write(`  progress ${p.done}/${records}\n`)
        }
      },
    })
    if (report.failed > 0) throw new Error(`import failed: ${JSON.stringify(report.failures.slice(0, 3))}`)
    return { ms: (performance.now() - t) / records, requests: counted.counts().total / records }
  }
  console.log(
    `Ceph RGW (${server.endpoint}), ${records.toLocaleString('en')} records, ${concurrency} in flight; three rounds side by side:\n`,
  )
  console.log('| round | raw PUT ms/record | importMany ms/record | requests/record | ratio to requests × raw PUT |')
  console.log('| ---: | ---: | ---: | ---: | ---: |')
  for (let round = 1; round <= 3; round++) {
    const r = await raw()
    const o = await ours(`S${round}`)
    console.log(`| ${round} | ${r.toFixed(2)} | ${o.ms.toFixed(2)} | ${o.requests.toFixed(2)} | ${(o.ms / (o.requests * r)).toFixed(2)} |`)
  }
}

if (what === 'iterate') await iterateBench(Number(a ?? 1_000_000), Number(b ?? 20), only?.split(','))
else if (what === 'reindex') await reindexBench(Number(a ?? 100_000))
else if (what === 'import') await importBench(Number(a ?? 10_000), Number(b ?? 16))
else throw new Error(`unknown benchmark ${what}: iterate, reindex or import`)
