import { fileURLToPath } from 'node:url'
import { createDatabase } from '@s3verless/core'
import { createTestBucket, S3_SKIP_REASON, type S3TestServer, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { PlainItem } from './fixtures/plain-item.js'
import { runBin, spawnCli, startServer } from './process-harness.js'

// The CLI on a real S3 server (Ceph RGW) through the AWS_* settings, each command as its own process.
const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: the CLI on a real S3 server: ${S3_SKIP_REASON}\n`)
const catalog = fileURLToPath(new URL('./fixtures/catalog.ts', import.meta.url))

/** The AWS_* settings that point the CLI at `bucket` on the test server. */
const awsEnv = (s: S3TestServer, bucket: string) => ({
  AWS_BUCKET_NAME: bucket,
  AWS_ENDPOINT_URL: s.endpoint,
  AWS_ACCESS_KEY_ID: s.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
  AWS_REGION: 'us-east-1',
  S3_FORCE_PATH_STYLE: 'true',
  S3_PROVIDER: s.provider,
})

describe.skipIf(!server)(`s3verless on a real S3 server (${server?.endpoint ?? 'none'})`, { timeout: 240_000 }, () => {
  it('reindex, inspect, create-admin, list-data and serve all use the bucket the AWS_* settings name', async () => {
    const { store, bucket } = await createTestBucket(server as S3TestServer)
    const env = awsEnv(server as S3TestServer, bucket)
    const plain = createDatabase({ store, models: [PlainItem] }).repository(PlainItem)
    for (let i = 0; i < 3; i++) await plain.create({ sku: `S-${i}`, category: 'c', price: i })

    const reindex = await runBin(['reindex', 'Item', '--models', catalog, '--json'], { env })
    expect(reindex.code).toBe(0)
    expect(JSON.parse(reindex.stdout)).toMatchObject({ records: 3, repaired: { indexEntriesAdded: 3, claimsAdded: 3 } })

    const inspect = JSON.parse((await runBin(['inspect', '--models', catalog, '--model', 'Item', '--json'], { env })).stdout)
    expect(inspect.store).toBe(`S3 bucket "${bucket}"`)
    expect(inspect.models[0].indexes).toEqual({ ready: ['asc:category', 'unique:sku'], building: [] })

    const admin = await runBin(['create-admin', 'root', 'root@example.com', '--password-stdin'], { env, input: 'correct-horse-7' })
    expect(admin.stdout).toBe(`Admin root (root@example.com) created in S3 bucket "${bucket}". Sign in at /admin.\n`)
    const keys = await runBin(['list-data', 'users/'], { env })
    expect(keys.stdout.split('\n').filter(Boolean)).toHaveLength(1)

    const served = await startServer(spawnCli(['serve', catalog, '--port', '0'], { env }))
    try {
      const list = (await (await fetch(`${served.url}/items?category=c`)).json()) as { items: { sku: string }[] }
      expect(list.items.map((i) => i.sku).sort()).toEqual(['S-0', 'S-1', 'S-2'])
    } finally {
      expect((await served.stop()).code).toBe(0)
    }
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
})
