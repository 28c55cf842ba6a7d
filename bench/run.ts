/**
 * `pnpm bench` (or `npx tsx --conditions=@s3verless/source bench/run.ts [sizes] [latencyMs]`):
 * prints S3 requests and wall time per query for our planner and the full-scan baseline, and their
 * ratio, for each collection size, measured side by side in one run.
 */
import { fetchEverything, filterInMemory, load, QUERIES, timed } from './query-bench.js'

const sizes = (process.argv[2] ?? '1000,10000,100000').split(',').map(Number)
const latency = Number(process.argv[3] ?? 20)
console.log(
  `Per-request latency ${latency} ms, 16 requests in flight, memory store. Baseline = list every record, fetch every record, filter in memory.\n`,
)
console.log('| N | query | planner requests | planner ms | baseline requests | baseline ms | requests ratio | time ratio |')
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const size of sizes) {
  const { store, repo } = await load(size)
  // The baseline reads everything whatever the query, so its requests and time are measured once per
  // size (the in-memory filtering after the fetch takes microseconds); each query's answer is then
  // computed from those records to check both strategies agree.
  const everything = await timed(store, latency, () => fetchEverything(store))
  for (const q of QUERIES) {
    const ours = await timed(store, latency, () => q.run(repo))
    const theirs = { ...everything, result: filterInMemory(everything.result as Record<string, unknown>[], q) }
    const same = q.label.startsWith('count')
      ? (ours.result[0] as number) === theirs.result.length
      : ours.result.length === theirs.result.length
    if (!same) throw new Error(`${q.label} at N=${size}: planner and baseline disagree`)
    console.log(
      `| ${size.toLocaleString('en')} | ${q.label} | ${ours.requests} | ${ours.ms.toFixed(0)} | ${theirs.requests.toLocaleString('en')} | ${theirs.ms.toFixed(0)} | ${(theirs.requests / ours.requests).toFixed(0)}× | ${(theirs.ms / ours.ms).toFixed(0)}× |`,
    )
  }
}
