// The shop as a Workers-style fetch handler (Cloudflare Workers, workerd, Vercel Edge, Deno, Bun): no
// Node built-in on this path, passwords hashed with Web Crypto PBKDF2, data in an S3-compatible
// bucket (R2, AWS, Ceph RGW…) reached over fetch. Settings come from the worker's bindings, with the
// same names as the Node environment variables (see wrangler.toml beside this folder).
import { pbkdf2Hasher } from '@s3verless/auth'
import { loadSettings, S3ClientManager } from '@s3verless/core'
import { cloudflareClientAddress } from '@s3verless/hono'
import { createShop, trustedProxiesFrom } from './app.js'

/** The bindings the worker reads (vars and secrets): every setting `loadSettings` knows. */
export interface ShopEnv {
  AWS_BUCKET_NAME: string
  AWS_ENDPOINT_URL?: string
  AWS_REGION?: string
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  SECRET_KEY: string
  /** `aws` (default, also right for R2) or `ceph` for Ceph RGW's quirks. */
  S3_PROVIDER?: string
  S3_BASE_PATH?: string
  SETUP_TOKEN?: string
  /**
   * `"true"` on Cloudflare: count clients by the `cf-connecting-ip` header its edge sets. Leave it
   * unset on other runtimes (anyone could send that header there) and give TRUSTED_PROXIES instead.
   */
  TRUST_CF_CONNECTING_IP?: string
  /** Proxies whose `X-Forwarded-For` is believed (comma-separated addresses or CIDRs). */
  TRUSTED_PROXIES?: string
}

let shop: ReturnType<typeof createShop> | undefined

export default {
  fetch(request: Request, env: ShopEnv): Response | Promise<Response> {
    if (!shop) {
      const settings = loadSettings({ AWS_REGION: 'auto', ...env } as unknown as Record<string, string | undefined>)
      shop = createShop({
        settings,
        store: new S3ClientManager(settings),
        passwordHasher: pbkdf2Hasher({ iterations: 100_000 }),
        // No socket here: without a trusted source of client addresses the app refuses to start
        // (settings.invalid) rather than count every client in one rate-limit bucket.
        ...(env.TRUST_CF_CONNECTING_IP === 'true' ? { clientAddress: cloudflareClientAddress } : {}),
        trustedProxies: trustedProxiesFrom(env.TRUSTED_PROXIES),
        ...(env.SETUP_TOKEN ? { setupToken: env.SETUP_TOKEN } : {}),
      })
    }
    return shop.app.fetch(request, env)
  },
}
