import type { PasswordHasher, RateLimiter, S3AuthService } from '@s3verless/auth'
import type { Database, Model, ObjectStore, RecordCacheOptions, S3ClientManager, S3verlessSettings } from '@s3verless/core'
import type { PresignedUploadService, UploadConfigInput } from '@s3verless/storage'
import type { cors } from 'hono/cors'
import type { ClientAddressOf } from '../auth/client-address.js'
import type { DocsAssets } from '../docs/docs-assets.js'
import type { UploadAccessRules } from '../uploads/upload-access.js'

/** The options of `hono/cors`. */
export type CorsOptions = NonNullable<Parameters<typeof cors>[0]>

/** Options of {@link S3verless} (the spec's constructor, plus where data lives and the HTTP limits). */
export interface S3verlessOptions<Ms extends readonly Model[] = readonly Model[]> {
  /** Settings (`AWS_*`, `SECRET_KEY`, `S3_BASE_PATH`, …); default `loadSettings()` from the environment. */
  settings?: S3verlessSettings
  /** API title for OpenAPI and the index (default `'S3verless API'`). */
  title?: string
  /** Default `'API powered by S3verless'`. */
  description?: string
  /** Default `'1.0.0'`. */
  version?: string
  /** Serve the admin UI at `/admin` (default true; it needs `auth`). */
  enableAdmin?: boolean
  /**
   * The application's models; each with `enableApi` gets CRUD routes at `/{plural}`. A plural the
   * app's own routes take is refused by `createApp()` (`transactions`, and `auth`, `uploads` or
   * `admin` when those are served; `docs` and `health` always).
   */
  models?: Ms
  /**
   * Module specifiers whose exported models are discovered (the spec's `model_packages`); loaded by
   * `await builder.discoverModels()` or the async {@link createS3verlessApp}.
   */
  modelPackages?: readonly string[]
  /** Discover models from `modelPackages` (default true). */
  autoDiscover?: boolean
  /** Where data lives: any ObjectStore or an `S3ClientManager` (default: S3 from the `AWS_*` settings). */
  store?: ObjectStore | S3ClientManager
  /** An existing database to serve (then `store`, `cache` and the database's own models apply). */
  database?: Database
  /** A record cache for the database (see `createDatabase`). */
  cache?: RecordCacheOptions
  /**
   * Auth: an `S3AuthService` sharing the app's database, `false` for none (then no auth routes, no
   * admin, and models whose access rules need a signed-in user are refused). Default: a service on the
   * app's database with the settings' `SECRET_KEY` and the bcrypt hasher.
   */
  auth?: S3AuthService<Model> | false
  /** Password hashing of the default auth service (default bcrypt; on edge runtimes pass `pbkdf2Hasher()`). */
  passwordHasher?: PasswordHasher
  /** Rate limits of login, register and refresh (default `new RateLimiter()`; `false` for none). */
  rateLimiter?: RateLimiter | false
  /**
   * The connecting client's address, for rate limits and sessions. Default: the runtime's own
   * connection info, the socket of `@hono/node-server` or the event of `hono/aws-lambda`
   * (`nodeClientAddress`, `lambdaClientAddress`). On Cloudflare Workers pass
   * `cloudflareClientAddress` (the `cf-connecting-ip` header, trustworthy only there). With rate
   * limits on, a request whose address cannot be found is refused (500 `settings.invalid`), and
   * `createApp()` throws on a runtime without connection info when none is given: clients never
   * silently share one counter.
   */
  clientAddress?: ClientAddressOf
  /**
   * Proxies in front of the app (addresses or CIDR networks, IPv4 or IPv6: `['10.0.0.0/8']`). Only
   * from these peers is `X-Forwarded-For` read: the client is its right-most hop that is not a
   * trusted proxy. Default none: the header is ignored.
   * @throws AuthError `auth.invalidOptions` (from `createApp()`) naming a malformed entry.
   */
  trustedProxies?: readonly string[]
  /** The one-time token that allows making the first admin (`POST /auth/setup`, `/admin/setup`); none by default. */
  setupToken?: string
  /** Docs page assets (swagger-ui); on Node use `nodeDocsAssets()` from `@s3verless/hono/node`. Without them `/docs` explains how to add them. */
  docsAssets?: DocsAssets
  /**
   * Upload routes at `/uploads` (needs auth): an upload config (allowed types, max size, key
   * prefix) or a ready `PresignedUploadService`. Default: no upload routes.
   */
  uploads?: UploadConfigInput | PresignedUploadService | false
  /**
   * Who may upload, read and delete files through `/uploads`, as rules like a model's `access`
   * (`get`, `create`, `delete`; `'owner'` is the file's `uploadedBy`). Default
   * `{ get: 'owner', create: 'signedIn', delete: 'owner' }`.
   */
  uploadAccess?: Partial<UploadAccessRules>
  /** Where the app will be mounted in a larger Hono app (e.g. `'/api'`), for the OpenAPI paths and links (default `''`). */
  mountPath?: string
  /**
   * List and search never read past this many records in a full scan, nor look up more ids than
   * this in one `id__in` (default 1000); past it, 400 `query.tooExpensive` before any read.
   */
  maxScan?: number
  /**
   * Most values one list operand of a filter may have (`id__in`, `category__in`, `price__nin`…, in
   * the query string or a search body), default 100; more is a 422 naming the parameter and the cap.
   */
  maxListValues?: number
  /** Largest page size (default 100). */
  maxLimit?: number
  /** Page size when none is asked (default 20). */
  defaultLimit?: number
  /** Most records per bulk request (default 100). */
  maxBulk?: number
  /**
   * Largest request body the API reads, in bytes (default 1 MiB, `DEFAULT_MAX_BODY_SIZE`): JSON,
   * forms, logins alike. Larger bodies get 413 `http.payloadTooLarge`, at once when `Content-Length`
   * says so and otherwise as soon as the limit is passed while the body streams in (never buffered
   * whole). Uploads through `PUT /uploads/files/{name}` have their own limit, the upload config's `maxFileSize`.
   */
  maxBodySize?: number
  /**
   * Cross-origin requests from browsers (CORS, through `hono/cors`); off by default, so only
   * same-origin pages can call the API. Give the allowed origins, e.g.
   * `{ origin: ['https://shop.example'] }` (a string, a list, or a function of the request's
   * origin); preflight `OPTIONS` requests are then answered. `ETag`, `Location`, `Allow`,
   * `Retry-After` and `WWW-Authenticate` are exposed unless `exposeHeaders` says otherwise. Not
   * applied to the admin UI, which stays same-origin.
   */
  cors?: CorsOptions | false
  /** Called with every 5xx that is a server fault (not the documented 501 and 503), for logging. */
  onServerError?: (error: unknown) => void
}
