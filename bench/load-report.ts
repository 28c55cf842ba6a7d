// What a load run measured, how it is printed, and the memory bound the load test asserts.
import type { MemorySample } from './load-probe.js'

/** What a load run measured. */
export interface LoadReport {
  seconds: number
  connections: number
  users: number
  http: {
    requests: number
    perSecond: number
    p50: number
    p99: number
    /** autocannon's connection errors (timeouts included) and timeouts. */
    errors: number
    timeouts: number
    /** Answers by status, and by operation and status. */
    statuses: Record<string, number>
    byOperation: Record<string, Record<string, number>>
    /** 409s: an owner-checked write that met another writer 3 times (expected under contention). */
    conflicts: number
    /** Answers that are neither 2xx nor an expected 409, with a few examples. */
    unexpected: number
    examples: string[]
  }
  raw: { operations: number; perSecond: number; p50: number; p99: number; seconds: number }
  /** Requests the server sent to S3 during the load, and per HTTP request. */
  s3: { requests: number; perHttpRequest: number; perSecond: number }
  memory: {
    samples: MemorySample[]
    /** Largest live heap and RSS (bytes) in the first and last third of the run. */
    first: { heapUsed: number; rss: number }
    last: { heapUsed: number; rss: number }
  }
}

const MiB = 2 ** 20

/** The report as a few lines of text (for the console and the test's output). */
export function describeLoad(report: LoadReport): string {
  const { http, raw, memory } = report
  return [
    `demo server on RGW: ${http.requests} requests in ${report.seconds} s at ${report.connections} connections: ${http.perSecond.toFixed(0)} req/s, p50 ${http.p50} ms, p99 ${http.p99} ms`,
    `  errors ${http.errors}, timeouts ${http.timeouts}, 409 conflicts ${http.conflicts}, other non-2xx ${http.unexpected}; statuses ${JSON.stringify(http.statuses)}`,
    `  by operation: ${JSON.stringify(http.byOperation)}`,
    `  the server sent ${report.s3.requests} requests to RGW meanwhile: ${report.s3.perHttpRequest.toFixed(1)} per HTTP request, ${report.s3.perSecond.toFixed(0)} a second`,
    `raw SDK GET/PUT on the same RGW at ${report.connections} in flight: ${raw.operations} requests in ${raw.seconds.toFixed(1)} s: ${raw.perSecond.toFixed(0)} req/s, p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms`,
    `server memory after full GC (${memory.samples.length} samples): live heap max ${(memory.first.heapUsed / MiB).toFixed(1)} MiB in the first third, ${(memory.last.heapUsed / MiB).toFixed(1)} MiB in the last; RSS max ${(memory.first.rss / MiB).toFixed(0)} → ${(memory.last.rss / MiB).toFixed(0)} MiB`,
    ...(http.examples.length ? ['  examples of unexpected answers:', ...http.examples.map((e) => `    ${e}`)] : []),
  ].join('\n')
}

/**
 * The memory bound of the load test: the live heap (after a full GC) in the last third of the run at
 * most 1.2× the first third's plus 8 MiB, and RSS at most 1.5× plus 64 MiB. How small a leak this
 * catches depends on how many requests the run makes (see the README's Load figures).
 */
export function memoryWithinBound(report: LoadReport): { ok: boolean; why: string } {
  const { first, last } = report.memory
  const heapLimit = first.heapUsed * 1.2 + 8 * MiB
  const rssLimit = first.rss * 1.5 + 64 * MiB
  const ok = last.heapUsed <= heapLimit && last.rss <= rssLimit
  return {
    ok,
    why: `live heap ${(last.heapUsed / MiB).toFixed(1)} MiB (bound ${(heapLimit / MiB).toFixed(1)}), RSS ${(last.rss / MiB).toFixed(0)} MiB (bound ${(rssLimit / MiB).toFixed(0)})`,
  }
}
