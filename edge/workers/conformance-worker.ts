// Runs @s3verless/testing's store conformance suite inside workerd, against the S3 server named by
// the bindings, through the fetch-based S3ClientManager: POST / answers the outcome of every test.
// Bundled with `vitest` swapped for ./mini-vitest.ts (see edge/test/workerd.ts).
import { S3ClientManager } from '@s3verless/core'
import { runStoreConformance } from '@s3verless/testing'
import { runAll } from './mini-vitest.js'

interface Env {
  S3_ENDPOINT: string
  S3_ACCESS_KEY_ID: string
  S3_SECRET_ACCESS_KEY: string
  S3_PROVIDER: 'aws' | 'ceph'
  BUCKET: string
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const manager = new S3ClientManager({
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      provider: env.S3_PROVIDER,
      bucket: env.BUCKET,
    })
    runStoreConformance('s3Store inside workerd', () => manager.store())
    return Response.json({ runtime: navigator.userAgent, outcomes: await runAll() })
  },
}
