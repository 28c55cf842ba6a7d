/**
 * `npm run bench -- [table…] [options]` prints each table in markdown (progress goes to stderr).
 * Tables:
 *   full-scan      the library against the full-scan baseline on the memory store: --memory sizes
 *                  with --latency ms added to every request, then --plain sizes without it
 *   full-scan-rgw  the same on the S3 server in S3_TEST_* (Ceph RGW): --rgw sizes
 *   floor          the library against a hand-written raw-SDK program on that server: --records
 *   queries        the earlier query table (planner against the baseline, memory store, --memory, --latency)
 * With no table named: full-scan, full-scan-rgw and floor; the last two are skipped, loudly, when
 * S3_TEST_ENDPOINT is not set (`eval "$(bash scripts/s3-server.sh env)"`).
 */
import { parseArgs } from 'node:util'
import { S3Client } from '@aws-sdk/client-s3'
import { instrumentStore, memoryStore } from '@s3verless/core'
import { createTestBucket, s3TestServer } from '@s3verless/testing'
import { fullScanRows, TABLE_HEAD } from './full-scan-bench.js'
import { fetchEverything, filterInMemory, load, QUERIES, timed } from './query-bench.js'
import { FLOOR_HEAD, floorRows, measureFloor } from './raw-floor-bench.js'
import { int, machineLine, progress } from './stats.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    memory: { type: 'string', default: '1000,10000' },
    plain: { type: 'string', default: '100000' },
    rgw: { type: 'string', default: '1000,10000' },
    latency: { type: 'string', default: '20' },
    reps: { type: 'string' },
    records: { type: 'string', default: '1000' },
  },
})
const sizes = (list: string) => list.split(',').filter(Boolean).map(Number)
const latency = Number(values.latency)
/** Repetitions per operation: more where a repetition is cheap. */
const repsFor = (n: number) => (values.reps ? Number(values.reps) : n <= 1000 ? 5 : 3)
const TABLES = ['full-scan', 'full-scan-rgw', 'floor', 'queries'] as const
const chosen = positionals.length > 0 ? positionals : ['full-scan', 'full-scan-rgw', 'floor']
for (const table of chosen) {
  if (!(TABLES as readonly string[]).includes(table)) throw new Error(`unknown table ${table}: ${TABLES.join(', ')}`)
}
const server = s3TestServer()
const skipLoudly = (table: string) =>
  console.warn(
    `\n\x1b[33m!!! ${table} SKIPPED: S3_TEST_ENDPOINT is not set. Start Ceph RGW with \`bash scripts/s3-server.sh start\`, then \`eval "$(bash scripts/s3-server.sh env)"\` and run again.\x1b[0m\n`,
  )

console.log(machineLine())

async function fullScan() {
  console.log(
    `\n### Library vs full-scan baseline, memory store\n\nEvery request ${latency} ms slower (none for the plain sizes), 16 in flight on both sides; median of ${values.reps ?? '5 (N ≤ 1,000) or 3'} repetitions.\n`,
  )
  console.log(TABLE_HEAD.join('\n'))
  for (const n of sizes(values.memory)) {
    const rows = await fullScanRows(instrumentStore(memoryStore()), { n, latencyMs: latency, reps: repsFor(n), loadConcurrency: 64 })
    console.log(rows.join('\n'))
  }
  for (const n of sizes(values.plain)) {
    const rows = await fullScanRows(instrumentStore(memoryStore()), { n, latencyMs: 0, reps: repsFor(n), loadConcurrency: 64 })
    console.log(rows.map((row) => row.replace(/^\| ([\d,]+) \|/, '| $1, no latency |')).join('\n'))
  }
}

async function fullScanRgw() {
  if (!server) return skipLoudly('full-scan-rgw')
  console.log(
    `\n### Library vs full-scan baseline, ${server.provider === 'ceph' ? 'Ceph RGW' : 'S3'} (${server.endpoint})\n\nNo added latency, 16 in flight on both sides; loaded with importMany, 32 in flight; median of ${values.reps ?? '5 (N ≤ 1,000) or 3'} repetitions.\n`,
  )
  console.log(TABLE_HEAD.join('\n'))
  for (const n of sizes(values.rgw)) {
    const { store } = await createTestBucket(server)
    const rows = await fullScanRows(instrumentStore(store), { n, latencyMs: 0, reps: repsFor(n), loadConcurrency: 32 })
    console.log(rows.join('\n'))
  }
}

async function floor() {
  if (!server) return skipLoudly('floor')
  const { store, bucket } = await createTestBucket(server)
  const sdk = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  })
  const records = Number(values.records)
  console.log(
    `\n### Library vs raw-SDK floor, ${server.provider === 'ceph' ? 'Ceph RGW' : 'S3'} (${server.endpoint})\n\n${int(records)} inserts, then ${int(Math.min(200, records))} calls of each other operation (one per group of 20 for list and count), one call at a time, the two sides alternating; the library through its own fetch client, the floor through \`@aws-sdk/client-s3\` (raw-floor.ts says what it does per operation).\n`,
  )
  const figures = await measureFloor({ store: instrumentStore(store), sdk, bucket, records })
  console.log([...FLOOR_HEAD, ...floorRows(figures)].join('\n'))
  sdk.destroy()
}

async function queries() {
  console.log(
    `\n### Queries: planner vs baseline\n\nPer-request latency ${latency} ms, 16 requests in flight, memory store. Baseline = list every record, fetch every record, filter in memory.\n`,
  )
  console.log('| N | query | planner requests | planner ms | baseline requests | baseline ms | requests ratio | time ratio |')
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const size of sizes(values.memory)) {
    progress(`queries at N=${int(size)}`)
    const { store, repo } = await load(size)
    // The baseline reads everything whatever the query, so it is measured once per size; each
    // query's answer is then computed from those records to check both strategies agree.
    const everything = await timed(store, latency, () => fetchEverything(store))
    for (const q of QUERIES) {
      const ours = await timed(store, latency, () => q.run(repo))
      const theirs = { ...everything, result: filterInMemory(everything.result as Record<string, unknown>[], q) }
      const same = q.label.startsWith('count')
        ? (ours.result[0] as number) === theirs.result.length
        : ours.result.length === theirs.result.length
      if (!same) throw new Error(`${q.label} at N=${size}: planner and baseline disagree`)
      console.log(
        `| ${int(size)} | ${q.label} | ${ours.requests} | ${ours.ms.toFixed(0)} | ${int(theirs.requests)} | ${theirs.ms.toFixed(0)} | ${(theirs.requests / ours.requests).toFixed(0)}× | ${(theirs.ms / ours.ms).toFixed(0)}× |`,
      )
    }
  }
}

const RUN: Record<(typeof TABLES)[number], () => Promise<void>> = {
  'full-scan': fullScan,
  'full-scan-rgw': fullScanRgw,
  floor,
  queries,
}
for (const table of chosen) await RUN[table as (typeof TABLES)[number]]()
