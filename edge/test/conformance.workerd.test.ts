import { fileURLToPath } from 'node:url'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestOutcome } from '../workers/mini-vitest.js'
import { bundleWorker, type RunningWorker, startWorkerd } from './workerd.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: the store conformance suite inside workerd: ${S3_SKIP_REASON}\n`)

describe.skipIf(!server)('store conformance inside workerd, against the real S3 server', () => {
  let worker: RunningWorker
  let outcomes: TestOutcome[] = []
  let runtime = ''

  beforeAll(async () => {
    if (!server) return
    const { bucket } = await createTestBucket(server)
    const code = await bundleWorker(fileURLToPath(new URL('../workers/conformance-worker.ts', import.meta.url)), {
      vitest: fileURLToPath(new URL('../workers/mini-vitest.ts', import.meta.url)),
    })
    worker = await startWorkerd(code, {
      S3_ENDPOINT: server.endpoint,
      S3_ACCESS_KEY_ID: server.accessKeyId,
      S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      S3_PROVIDER: server.provider,
      BUCKET: bucket,
    })
    const res = await fetch(worker.url, { method: 'POST' })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`the worker answered ${res.status}: ${text}\n${worker.output()}`)
    ;({ outcomes, runtime } = JSON.parse(text) as { outcomes: TestOutcome[]; runtime: string })
  }, 240_000)

  afterAll(async () => worker?.stop())

  it('runs in workerd (Cloudflare-Workers), not in Node', () => {
    expect(runtime).toBe('Cloudflare-Workers')
  })

  it('passes every test of runStoreConformance, the 50-racer conditional writes included', () => {
    const failed = outcomes.filter((o) => o.state !== 'passed')
    expect(failed).toEqual([])
    expect(outcomes.length).toBeGreaterThanOrEqual(17)
    expect(outcomes.map((o) => o.name)).toContain(
      'ObjectStore conformance: s3Store inside workerd > create-if-absent under 50 parallel racers has exactly one winner',
    )
    expect(outcomes.map((o) => o.name)).toContain(
      'ObjectStore conformance: s3Store inside workerd > compare-and-swap under 50 parallel racers has exactly one winner',
    )
  })
})
