// The HTTP fuzz of http-fuzz.test.ts on Ceph RGW: fewer runs (each on a fresh bucket), the same
// oracles. On a real S3 server the store snapshot is a LIST of the bucket (keys, etags, sizes and
// modification times), and presigning works, so the upload routes answer 200 where the memory store
// answers 501.
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { fixtureShape, fixtureWorld } from './fuzz/fixture-world.js'
import { describeStats, runFuzz } from './fuzz/harness.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: the HTTP fuzz on a real S3 server: ${S3_SKIP_REASON}\n`)

const MAX_BODY = 4096
const MAX_LIST = 20
const RUNS = 6
const REQUESTS_PER_RUN = 40

describe.skipIf(!server)(`HTTP fuzz on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it(`${RUNS * REQUESTS_PER_RUN} generated requests: no 5xx, problem+json errors, the canary kept, refusals write nothing`, async () => {
    const started = Date.now()
    const stats = await runFuzz({
      shape: fixtureShape({ maxBody: MAX_BODY, maxList: MAX_LIST }),
      world: async () => {
        const { manager, store } = await createTestBucket(server!)
        return fixtureWorld(
          {
            store: manager,
            maxBodySize: MAX_BODY,
            maxListValues: MAX_LIST,
            uploads: { allowedContentTypes: ['text/plain', 'image/png'], maxFileSize: 2048 },
          },
          store,
        )
      },
      runs: RUNS,
      requestsPerRun: REQUESTS_PER_RUN,
    })
    console.log(`HTTP fuzz on RGW: ${describeStats(stats, (Date.now() - started) / 1000)}`)
    expect(stats.requests).toBe(RUNS * REQUESTS_PER_RUN)
    expect(stats.refused).toBeGreaterThan(stats.requests / 2)
  }, 240_000)
})
