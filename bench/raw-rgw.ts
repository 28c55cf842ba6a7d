// The baseline of the load test: a raw AWS SDK PUT/GET loop on the same RGW at the same concurrency.
import { randomBytes } from 'node:crypto'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { S3TestServer } from '@s3verless/testing'

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

/** The raw AWS SDK GET/PUT loop on the same RGW: `connections` workers, each a PUT then a GET of a 512-byte object. */
export async function rawLoop(server: S3TestServer, bucket: string, connections: number, seconds: number) {
  const client = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  })
  const body = randomBytes(256).toString('hex')
  const latencies: number[] = []
  const until = Date.now() + seconds * 1000
  const started = Date.now()
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
      for (let n = 0; Date.now() < until; n++) {
        const key = `raw-baseline/${w}/${n % 16}`
        let t = performance.now()
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }))
        latencies.push(performance.now() - t)
        t = performance.now()
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        await got.Body?.transformToString()
        latencies.push(performance.now() - t)
      }
    }),
  )
  const elapsed = (Date.now() - started) / 1000
  client.destroy()
  latencies.sort((a, b) => a - b)
  return {
    operations: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds: elapsed,
  }
}
