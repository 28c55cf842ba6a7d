// The shop as a Workers-style fetch handler (Cloudflare Workers, Deno, Bun): no Node built-ins on
// this path, passwords hashed with Web Crypto PBKDF2, data in an S3-compatible bucket (e.g. R2)
// named by the environment's bindings.
import { pbkdf2Hasher } from '@s3verless/auth'
import { createSettings, S3ClientManager } from '@s3verless/core'
import { createShop } from './app.js'

/** The bindings the worker reads. */
export interface ShopEnv {
  AWS_BUCKET_NAME: string
  AWS_ENDPOINT_URL: string
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  SECRET_KEY: string
  SETUP_TOKEN?: string
}

let shop: ReturnType<typeof createShop> | undefined

export default {
  fetch(request: Request, env: ShopEnv): Response | Promise<Response> {
    if (!shop) {
      const settings = createSettings({
        awsBucketName: env.AWS_BUCKET_NAME,
        awsEndpointUrl: env.AWS_ENDPOINT_URL,
        awsAccessKeyId: env.AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        awsRegion: 'auto',
        secretKey: env.SECRET_KEY,
      })
      shop = createShop({
        settings,
        store: new S3ClientManager(settings),
        passwordHasher: pbkdf2Hasher({ iterations: 100_000 }),
        ...(env.SETUP_TOKEN ? { setupToken: env.SETUP_TOKEN } : {}),
      })
    }
    return shop.app.fetch(request, env)
  },
}
