import { SettingsError } from '../errors.js'
import type { S3Credentials, S3CredentialsSource } from '../s3/s3-credentials.js'
import { S3FetchClient } from '../s3/s3-fetch-client.js'
import type { S3verlessSettings } from '../settings/settings.js'
import type { ProviderName, ProviderQuirks } from '../store/provider-quirks.js'
import type { RetryOptions } from '../store/retry.js'
import { fetchS3Store, type S3Store } from '../store/s3-store.js'
import { type ClientStats, ClientStatsRecorder } from './client-stats.js'

/** How to reach S3, when not given as settings. */
export interface S3ConnectionOptions {
  region?: string
  endpoint?: string
  accessKeyId?: string
  secretAccessKey?: string
  /** For temporary credentials (default: `AWS_SESSION_TOKEN` from the environment, where there is one). */
  sessionToken?: string
  /** Credentials asked for before each request (a provider that refreshes them); instead of the keys above. */
  credentials?: () => Promise<S3Credentials>
  /** Path-style addressing (default: on when an endpoint is given, as S3-compatible servers need). */
  forcePathStyle?: boolean
  /** Bucket used by `store()` when none is passed. */
  bucket?: string
  /** Provider quirks for stores made here (default `'aws'`). */
  provider?: ProviderName | Partial<ProviderQuirks>
  retry?: RetryOptions
  /** The `fetch` requests go through (default: the runtime's). */
  fetch?: typeof fetch
}

interface Shared {
  client: S3FetchClient
  stats: ClientStatsRecorder
  users: number
}

const pool = new Map<string, Shared>()

const environment = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}

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

/** The credentials of a configuration; missing keys fail at the first request, naming the variables. */
function credentialsOf(options: S3ConnectionOptions): S3CredentialsSource {
  if (options.credentials) return options.credentials
  const env = environment()
  const accessKeyId = options.accessKeyId ?? env.AWS_ACCESS_KEY_ID
  const secretAccessKey = options.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY
  const sessionToken = options.sessionToken ?? (options.accessKeyId ? undefined : env.AWS_SESSION_TOKEN)
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
  return async () => {
    throw new SettingsError(
      'No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or pass accessKeyId and secretAccessKey, or a ' +
        'credentials provider, to S3ClientManager)',
      { details: { variables: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] } },
    )
  }
}

/**
 * Holds the S3 client: one shared fetch-based client per configuration, however many managers ask
 * for it, plus request statistics for everything sent through its stores. Needs no AWS SDK and no
 * Node built-in: the same manager works on Node and Workers-style runtimes.
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
    const { region, endpoint, accessKeyId, secretAccessKey, sessionToken, forcePathStyle } = this.options
    this.configKey = JSON.stringify([region, endpoint, accessKeyId, secretAccessKey, sessionToken, forcePathStyle])
  }

  private acquire(): Shared {
    if (this.shared) return this.shared
    const own = this.options.credentials !== undefined || this.options.fetch !== undefined
    let shared = own ? undefined : pool.get(this.configKey)
    if (!shared) {
      const { region, endpoint, forcePathStyle } = this.options
      const client = new S3FetchClient({
        region: region ?? 'us-east-1',
        ...(endpoint ? { endpoint } : {}),
        forcePathStyle: forcePathStyle ?? endpoint !== undefined,
        credentials: credentialsOf(this.options),
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      })
      shared = { client, stats: new ClientStatsRecorder(), users: 0 }
      if (!own) pool.set(this.configKey, shared)
    }
    shared.users++
    this.shared = shared
    return shared
  }

  /** The shared S3 client for this configuration (the spec's `getSyncClient`): sends signed requests and presigns URLs. */
  getClient(): S3FetchClient {
    return this.acquire().client
  }

  /** Same as {@link getClient}; kept for the spec's name. */
  getSyncClient(): S3FetchClient {
    return this.getClient()
  }

  /** The shared client, asynchronously (the spec's `get_async_client`). */
  async getAsyncClient(): Promise<S3FetchClient> {
    return this.getClient()
  }

  /** Runs `fn` with the shared client (the spec's `async with get_async_client()`). */
  async withClient<T>(fn: (client: S3FetchClient) => Promise<T>): Promise<T> {
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
    return fetchS3Store({
      client: shared.client,
      bucket: name,
      stats: shared.stats,
      ...(this.options.provider ? { provider: this.options.provider } : {}),
      ...(this.options.retry ? { retry: this.options.retry } : {}),
    })
  }

  /** Creates `bucket` (one CreateBucket request); for tests and first-time setup. */
  async createBucket(bucket: string): Promise<void> {
    await this.getClient().send({ method: 'PUT', bucket, operation: 'CreateBucket' })
  }

  /** Requests by operation, errors by code, retries and latency percentiles of the shared client. */
  stats(): ClientStats {
    return this.acquire().stats.snapshot()
  }

  /** Releases this manager's hold on the shared client (fetch keeps no connections of ours to close). */
  destroy(): void {
    const shared = this.shared
    if (!shared) return
    this.shared = undefined
    shared.users--
    if (shared.users <= 0 && pool.get(this.configKey) === shared) pool.delete(this.configKey)
  }
}
