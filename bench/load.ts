/**
 * `npm run bench -- load [seconds] [connections] [timeout seconds]` (or `node --import tsx
 * --conditions=@s3verless/source bench/load.ts 60 32 10`): the load test of the demo server on Ceph RGW (see load-run.ts). Needs
 * `S3_TEST_*` (`eval "$(bash scripts/s3-server.sh start)"`). Prints the figures, a row for
 * bench/RESULTS.md, and exits 1 when an answer was an error, a request timed out, or memory grew past
 * the bound that examples/shop/test/load.rgw.test.ts asserts.
 */
import { s3TestServer } from '@s3verless/testing'
import { describeLoad, memoryWithinBound, runLoad } from './load-run.js'

const server = s3TestServer()
if (!server) {
  console.error('S3_TEST_ENDPOINT is not set: start Ceph RGW with `eval "$(bash scripts/s3-server.sh start)"` first')
  process.exit(2)
}
const seconds = Number(process.argv[2] ?? 60)
const connections = Number(process.argv[3] ?? 32)
const timeoutSeconds = Number(process.argv[4] ?? 10)
const report = await runLoad({ server, seconds, connections, timeoutSeconds })
console.log(`\n${describeLoad(report)}\n`)
const { http, raw } = report
console.log(
  '| run | connections | requests | req/s | p50 ms | p99 ms | errors + timeouts | 409 | other non-2xx | S3 requests per HTTP request | raw RGW GET/PUT req/s (p50 / p99 ms) | live heap first → last third | RSS first → last third |',
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |')
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
console.log(
  `| ${seconds} s | ${connections} | ${http.requests.toLocaleString('en')} | ${http.perSecond.toFixed(0)} | ${http.p50} | ${http.p99} | ${http.errors + http.timeouts} | ${http.conflicts} | ${http.unexpected} | ${report.s3.perHttpRequest.toFixed(1)} | ${raw.perSecond.toFixed(0)} (${raw.p50.toFixed(0)} / ${raw.p99.toFixed(0)}) | ${mib(report.memory.first.heapUsed)} → ${mib(report.memory.last.heapUsed)} | ${mib(report.memory.first.rss)} → ${mib(report.memory.last.rss)} |`,
)
const bounded = memoryWithinBound(report)
if (http.errors || http.timeouts || http.unexpected || !bounded.ok) {
  console.error(`FAILED: ${http.errors} errors, ${http.timeouts} timeouts, ${http.unexpected} unexpected answers; memory: ${bounded.why}`)
  process.exit(1)
}
