import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { SettingsError } from '../errors.js'
import type { S3verlessSettings } from '../settings/settings.js'
import type { ProviderName, ProviderQuirks } from '../store/provider-quirks.js'
import type { RetryOptions } from '../store/retry.js'
import { type S3Store, s3Store } from '../store/s3-store.js'
import { type ClientStats, ClientStatsRecorder } from './client-stats.js'

/** How to reach S3, when not given as settings. */
export interface S3ConnectionOptions {
  region?: string
  endpoint?: string
  accessKeyId?: string
  secretAccessKey?: string
  /** Path-style addressing (default: on when an endpoint is given, as S3-compatible servers need). */
  forcePathStyle?: boolean
  /** Bucket used by `store()` when none is passed. */
  bucket?: string
  /** Provider quirks for stores made here (default `'aws'`). */
  provider?: ProviderName | Partial<ProviderQuirks>
  retry?: RetryOptions
  /** Most open connections per client (default 50). Connections are kept alive. */
  maxSockets?: number
}

interface Shared {
  client: S3Client
  stats: ClientStatsRecorder
  users: number
}

const pool = new Map<string, Shared>()

/**
 * The AWS SDK prints a multi-line notice on every client it makes under Node 20 (its future releases
 * will need Node 22). The release pinned here supports Node 20, so the notice says nothing to our
 * users: it is turned off unless the environment already says otherwise
 * (`AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false` brings it back).
 */
function quietSdkVersionNotice(): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  if (env && env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined)
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
}

function fromSettings(settings: S3verlessSettings): S3ConnectionOptions {
  return {
    region: settings.awsRegion,
    ...(settings.awsEndpointUrl ? { endpoint: settings.awsEndpointUrl } : {}),
    ...(settings.awsAccessKeyId ? { accessKeyId: settings.awsAccessKeyId } : {}),
    ...(settings.awsSecretAccessKey ? { secretAccessKey: settings.awsSecretAccessKey } : {}),
    ...(settings.forcePathStyle !== undefined ? { forcePathStyle: settings.forcePathStyle } : {}),
    ...(settings.awsBucketName ? { bucket: settings.awsBucketName } : {}),
    ...(settings.s3Provider ? { provider: settings.s3Provider } : {}),
  }
}

const isSettings = (value: S3verlessSettings | S3ConnectionOptions): value is S3verlessSettings => 's3BasePath' in value

/**
 * Holds the S3 client: one shared client (with kept-alive connections) per configuration, however
 * many managers ask for it, plus request statistics for everything sent through its stores.
 * @example
 * const manager = new S3ClientManager(loadSettings())
 * const store = manager.store()            // an ObjectStore on AWS_BUCKET_NAME
 * console.log(manager.stats().requests)     // { GetObject: 12, PutObject: 3, … }
 */
export class S3ClientManager {
  readonly options: S3ConnectionOptions
  private readonly configKey: string
  private shared: Shared | undefined

  constructor(config: S3verlessSettings | S3ConnectionOptions = {}) {
    this.options = isSettings(config) ? fromSettings(config) : config
    const { region, endpoint, accessKeyId, forcePathStyle, maxSockets } = this.options
    this.configKey = JSON.stringify([region, endpoint, accessKeyId, this.options.secretAccessKey, forcePathStyle, maxSockets])
  }

  private acquire(): Shared {
    if (this.shared) return this.shared
    let shared = pool.get(this.configKey)
    if (!shared) {
      const { region, endpoint, accessKeyId, secretAccessKey, forcePathStyle, maxSockets } = this.options
      const config: S3ClientConfig = {
        region: region ?? 'us-east-1',
        ...(endpoint ? { endpoint } : {}),
        forcePathStyle: forcePathStyle ?? endpoint !== undefined,
        ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
        // Stores retry themselves (with knowledge of conditional writes); the SDK must not retry behind them.
        maxAttempts: 1,
        // Checksums only where S3 demands them: streamed uploads and presigned PUTs break otherwise.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          httpAgent: { keepAlive: true, maxSockets: maxSockets ?? 50 },
          httpsAgent: { keepAlive: true, maxSockets: maxSockets ?? 50 },
        },
      }
      quietSdkVersionNotice()
      shared = { client: new S3Client(config), stats: new ClientStatsRecorder(), users: 0 }
      pool.set(this.configKey, shared)
    }
    shared.users++
    this.shared = shared
    return shared
  }

  /** The shared SDK client for this configuration (the spec's `getSyncClient`). */
  getClient(): S3Client {
    return this.acquire().client
  }

  /** Same as {@link getClient}; kept for the spec's name. */
  getSyncClient(): S3Client {
    return this.getClient()
  }

  /** The shared client, asynchronously (the spec's `get_async_client`). */
  async getAsyncClient(): Promise<S3Client> {
    return this.getClient()
  }

  /** Runs `fn` with the shared client (the spec's `async with get_async_client()`). */
  async withClient<T>(fn: (client: S3Client) => Promise<T>): Promise<T> {
    return fn(this.getClient())
  }

  /**
   * An ObjectStore on `bucket` (default: the configured bucket) over the shared client; its requests
   * count toward {@link stats}.
   * @throws SettingsError when no bucket is given or configured.
   */
  store(bucket?: string): S3Store {
    const name = bucket ?? this.options.bucket
    if (!name) {
      throw new SettingsError('AWS_BUCKET_NAME is required for an S3 store but is not set (or pass a bucket to store())', {
        details: { variables: ['AWS_BUCKET_NAME'] },
      })
    }
    const shared = this.acquire()
    return s3Store({
      client: shared.client,
      bucket: name,
      stats: shared.stats,
      ...(this.options.provider ? { provider: this.options.provider } : {}),
      ...(this.options.retry ? { retry: this.options.retry } : {}),
    })
  }

  /** Requests by operation, errors by code, retries and latency percentiles of the shared client. */
  stats(): ClientStats {
    return this.acquire().stats.snapshot()
  }

  /** Releases this manager's hold on the shared client; the last one out closes its connections. */
  destroy(): void {
    const shared = this.shared
    if (!shared) return
    this.shared = undefined
    shared.users--
    if (shared.users <= 0) {
      shared.client.destroy()
      pool.delete(this.configKey)
    }
  }
}
