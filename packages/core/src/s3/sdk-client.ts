import { SettingsError } from '../errors.js'
import type { S3Credentials } from './s3-credentials.js'
import { S3FetchClient } from './s3-fetch-client.js'

/**
 * The little of an AWS SDK v3 `S3Client` read here: its resolved configuration. Typed structurally so
 * core never imports the SDK (which would put it in every bundle).
 */
export interface SdkS3ClientLike {
  send: (...args: never[]) => unknown
  config: {
    region: string | (() => Promise<string>)
    credentials: () => Promise<S3Credentials>
    endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>
    forcePathStyle?: boolean
    /** A `fetch` to send through instead of the runtime's: what a test double (`InMemoryS3`) offers; a real SDK client has none. */
    fetch?: typeof fetch
  }
}

/** Whether `value` looks like an AWS SDK v3 `S3Client`. */
export const isSdkClient = (value: unknown): value is SdkS3ClientLike => {
  const v = value as SdkS3ClientLike | null
  return typeof v?.send === 'function' && typeof v.config === 'object' && typeof v.config?.credentials === 'function'
}

/**
 * A fetch client with an AWS SDK client's region, endpoint, path style and credentials (asked of the
 * SDK's provider chain before each request, which caches and refreshes them): users who already hold
 * an `S3Client` can pass it, and requests still go through `fetch` with S3verless's own XML reading.
 */
export async function fetchClientFromSdk(client: SdkS3ClientLike): Promise<S3FetchClient> {
  const { config } = client
  const region = typeof config.region === 'function' ? await config.region() : config.region
  const endpoint = config.endpoint ? await config.endpoint() : undefined
  const url = endpoint
    ? `${endpoint.protocol.replace(/:?$/, ':')}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path}`
    : undefined
  return new S3FetchClient({
    region,
    ...(url ? { endpoint: url } : {}),
    forcePathStyle: config.forcePathStyle ?? false,
    ...(typeof config.fetch === 'function' ? { fetch: config.fetch } : {}),
    // The SDK's provider chain found nothing: a settings problem, said so (never retried as an outage).
    credentials: () =>
      config.credentials().catch((error: unknown) => {
        throw new SettingsError(
          'No S3 credentials: the AWS SDK client found none (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where the SDK finds a profile or role)',
          { cause: error, details: { variables: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] } },
        )
      }),
  })
}
