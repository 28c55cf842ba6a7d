import { RateLimiter } from '@s3verless/auth'
import { isModel, loadSettings, type Model, type S3verlessSettings, SettingsError } from '@s3verless/core'
import { PresignedUploadService } from '@s3verless/storage'
import { Hono, type MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { authRoutes } from '../auth/auth-routes.js'
import { bearerUser } from '../auth/bearer.js'
import { behindTrustedProxies, defaultClientAddress, requireClientAddress, runtimeHasConnectionInfo } from '../auth/client-address.js'
import { needsAuth } from '../crud/access.js'
import type { CrudContext } from '../crud/crud-context.js'
import { cursorSeal } from '../crud/cursor-seal.js'
import { modelRoutes } from '../crud/model-routes.js'
import { transactionRoutes } from '../crud/transaction-route.js'
import { docsRoute } from '../docs/docs-route.js'
import { errorHandler, notFoundHandler } from '../errors/error-handler.js'
import { healthRoute } from '../health-route.js'
import { registerAuthPaths } from '../openapi/auth-paths.js'
import { registerModelPaths } from '../openapi/model-paths.js'
import { OpenApiRegistry } from '../openapi/openapi-registry.js'
import { registerTransactionPaths } from '../openapi/transaction-paths.js'
import { registerUploadPaths } from '../openapi/upload-paths.js'
import { uploadAccessSubject } from '../uploads/upload-access.js'
import { uploadRoutes } from '../uploads/upload-routes.js'
import { apiIndex } from './api-index.js'
import type { S3verlessSchema } from './app-schema.js'
import { bodyLimit, DEFAULT_MAX_BODY_SIZE } from './body-limit.js'
import { type AppData, buildAppData } from './build-database.js'
import type { S3verlessEnv } from './env.js'
import { mountAdmin } from './mount-admin.js'
import type { S3verlessOptions } from './options.js'
import { checkRouteCollisions } from './route-collisions.js'

/** The response headers a cross-origin script may read by default (`cors.exposeHeaders` replaces them). */
export const CORS_EXPOSED_HEADERS: string[] = ['ETag', 'Location', 'Allow', 'Retry-After', 'WWW-Authenticate']

/**
 * The Hono app an `S3verless` builder makes: a standard `Hono` app with the S3verless env, whose
 * route types (every model's CRUD routes, auth and upload routes) make `hc<typeof app>` typed end to end.
 */
export type S3verlessApp<Ms extends readonly Model[] = readonly Model[]> = Hono<S3verlessEnv, S3verlessSchema<Ms>, '/'>

/**
 * The application builder (the spec's `S3verless`): one database from `store` (or an
 * `S3ClientManager` from the settings), CRUD routes per model, OpenAPI 3.1 at `/openapi.json`, docs
 * at `/docs`, auth routes at `/auth`, `/health` that checks the bucket, `/` listing the API, and the
 * admin UI at `/admin`. The app is a plain Hono app: serve it with any runtime's `fetch`, or mount
 * it into another app with `app.route('/api', builder.createApp())` (set `mountPath` to match).
 * @example
 * const builder = new S3verless({ title: 'Shop', models: [Product], store: memoryStore(), settings: createSettings({ secretKey }) })
 * const app = builder.createApp()
 * const res = await app.request('/products?price__gt=3&orderBy=-price')
 */
export class S3verless<const Ms extends readonly Model[] = readonly Model[]> {
  readonly options: S3verlessOptions<Ms>
  readonly settings: S3verlessSettings
  private discovered: Model[] = []
  private data: AppData | undefined

  constructor(options: S3verlessOptions<Ms> = {}) {
    this.options = options
    this.settings = options.settings ?? loadSettings()
  }

  /**
   * Imports each of `modelPackages` and keeps every exported model (the spec's auto-discovery).
   * `createApp()` needs this awaited first when `modelPackages` is set.
   * @returns the models found.
   */
  async discoverModels(): Promise<Model[]> {
    const found: Model[] = []
    if (this.options.autoDiscover !== false) {
      for (const specifier of this.options.modelPackages ?? []) {
        const module = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>
        for (const value of Object.values(module)) if (isModel(value) && !found.includes(value)) found.push(value)
      }
    }
    this.discovered = found
    return found
  }

  /** The app's database and auth service (built on first use). */
  get appData(): AppData {
    if (!this.data) {
      if (this.options.modelPackages?.length && this.options.autoDiscover !== false && this.discovered.length === 0) {
        throw new Error('S3verless: modelPackages are set; await builder.discoverModels() (or use createS3verlessApp) before createApp()')
      }
      const models = [...(this.options.models ?? []), ...this.discovered.filter((m) => !this.options.models?.includes(m))]
      this.data = buildAppData(this.options, this.settings, models)
      if (!this.data.auth) {
        const guarded = this.data.models.filter((m) => m.enableApi && needsAuth(m))
        if (guarded.length)
          throw new Error(
            `S3verless: ${guarded.map((m) => m.name).join(', ')} have access rules that need a signed-in user (access, requireAuth or ownerField), but auth is false`,
          )
      }
    }
    return this.data
  }

  /**
   * Builds the Hono app.
   * @throws SettingsError `settings.invalid` for an invalid limit, rate limits on a runtime without
   * client addresses, or a served model whose plural is the path of one of the app's own routes as
   * mounted with these options (`transactions`, `auth`, `uploads`, `admin`, `docs`, `health`).
   */
  createApp(): S3verlessApp<Ms> {
    const { database, auth, models } = this.appData
    const o = this.options
    const meta = {
      title: o.title ?? 'S3verless API',
      description: o.description ?? 'API powered by S3verless',
      version: o.version ?? '1.0.0',
    }
    const prefix = (o.mountPath ?? '').replace(/\/$/, '')
    const ctx: CrudContext = {
      database,
      maxScan: o.maxScan ?? 1000,
      maxLimit: o.maxLimit ?? 100,
      defaultLimit: o.defaultLimit ?? 20,
      maxBulk: o.maxBulk ?? 100,
      maxListValues: o.maxListValues ?? 100,
      cursors: cursorSeal(this.settings.secretKey),
    }
    // Not strict: `/products/` reaches the collection as `/products` does.
    const app = new Hono<S3verlessEnv>({ strict: false })
    const registry = new OpenApiRegistry()
    app.onError(errorHandler({ ...(o.onServerError ? { onServerError: (e) => o.onServerError?.(e) } : {}) }))
    app.notFound(notFoundHandler)
    if (o.cors) {
      const allowCors = cors({ ...o.cors, exposeHeaders: o.cors.exposeHeaders ?? CORS_EXPOSED_HEADERS })
      // The admin UI is same-origin only (its forms carry cookies and CSRF tokens).
      app.use('*', (c, next) => (c.req.path === '/admin' || c.req.path.startsWith('/admin/') ? next() : allowCors(c, next)))
    }
    // Every body the API reads is limited while it streams in; the upload PUT enforces its own limit (maxFileSize).
    const uploadPut = /\/uploads\/files\/[^/]*$/
    app.use(
      '*',
      bodyLimit({
        maxBodySize: checkedSize('maxBodySize', o.maxBodySize ?? DEFAULT_MAX_BODY_SIZE),
        skip: (c) => Boolean(o.uploads) && c.req.method === 'PUT' && uploadPut.test(c.req.path),
      }),
    )
    const served = models.filter((m) => m.enableApi)
    const adminEnabled = o.enableAdmin !== false && auth !== undefined
    // The app's own routes beside the models' (each only when mounted): a plural equal to one would
    // shadow it or be shadowed. (`openapi.json` needs no entry: a plural has no dot.)
    checkRouteCollisions(served, {
      health: 'GET /health',
      docs: 'GET /docs',
      ...(auth ? { auth: 'the auth routes (/auth)' } : {}),
      ...(o.uploads && auth ? { uploads: 'the upload routes (/uploads)' } : {}),
      ...(adminEnabled ? { admin: 'the admin UI (/admin)' } : {}),
      ...(served.length > 0 ? { transactions: 'POST /transactions' } : {}),
    })
    const rateLimiter = o.rateLimiter === undefined ? new RateLimiter() : o.rateLimiter
    const peer = o.clientAddress ?? defaultClientAddress
    const address = o.trustedProxies?.length ? behindTrustedProxies(peer, o.trustedProxies) : peer
    if (rateLimiter && auth && !o.clientAddress && !runtimeHasConnectionInfo()) {
      throw new SettingsError(
        'S3verless: rate limiting needs each client address, and this runtime has no connection info the app can read: ' +
          'pass clientAddress (cloudflareClientAddress on Cloudflare Workers), or rateLimiter: false',
        { details: { variables: ['clientAddress'] } },
      )
    }
    // With rate limits on, a request without an address is refused, never counted in one shared bucket.
    const clientAddress = rateLimiter ? requireClientAddress(address) : address

    app.get('/', (c) => c.json(apiIndex(meta, prefix, served, { admin: adminEnabled, auth: auth !== undefined })))
    app.route('/', healthRoute(database.store, { prefix: database.basePath }))
    app.route('/', docsRoute(meta.title, o.docsAssets))
    if (auth) {
      const api = bearerUser(auth)
      for (const path of [
        '/auth/*',
        ...served.map((m) => `/${m.plural}/*`),
        ...served.map((m) => `/${m.plural}`),
        '/uploads/*',
        '/transactions',
      ])
        app.use(path, path === '/auth/*' ? skipLogout(api) : api)
      app.route('/auth', authRoutes(auth, { rateLimiter, clientAddress, setupToken: o.setupToken }))
      registerAuthPaths(registry, prefix)
    }
    if (o.uploads && auth) {
      const service =
        o.uploads instanceof PresignedUploadService
          ? o.uploads
          : new PresignedUploadService({
              config: o.uploads,
              basePath: database.basePath,
              ...(this.settings.awsBucketName ? { bucket: this.settings.awsBucketName } : {}),
            })
      const access = o.uploadAccess ?? {}
      app.route('/uploads', uploadRoutes({ service, client: o.store ?? database.store, store: database.store, access }))
      registerUploadPaths(registry, prefix, uploadAccessSubject(access))
    }
    for (const model of served) {
      app.route(
        `/${model.plural}`,
        modelRoutes(model, { ...ctx, ...(o.onServerError ? { onServerError: (e: unknown) => o.onServerError?.(e) } : {}) }),
      )
      registerModelPaths(registry, model, prefix)
    }
    if (served.length > 0) {
      app.route('/transactions', transactionRoutes(served, database))
      registerTransactionPaths(registry, served, prefix, auth !== undefined)
    }
    if (adminEnabled && auth)
      mountAdmin(app, {
        database,
        auth,
        models: [...models.filter((m) => m.enableAdmin), ...(auth.userModel.enableAdmin ? [auth.userModel] : [])],
        ctx,
        title: meta.title,
        prefix,
        setupToken: o.setupToken,
        rateLimiter,
        clientAddress,
      })
    registry.registerSecurityScheme('bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    let document: Record<string, unknown> | undefined
    app.get('/openapi.json', (c) => {
      document ??= registry.document(meta, prefix ? [{ url: prefix }] : [])
      return c.json(document)
    })
    return app as unknown as S3verlessApp<Ms>
  }
}

/** The bearer middleware for every auth route but logout, which reads its tokens itself (an expired access token must not stop a logout). */
const skipLogout =
  (api: MiddlewareHandler<S3verlessEnv>): MiddlewareHandler<S3verlessEnv> =>
  (c, next) =>
    c.req.method === 'POST' && /\/auth\/logout\/?$/.test(c.req.path) ? next() : api(c, next)

/** A positive whole number of bytes, or a settings error naming the option. */
function checkedSize(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value > 0) return value
  throw new SettingsError(`S3verless: ${name} must be a positive whole number of bytes, got ${value}`, { details: { variables: [name] } })
}

/**
 * The functional form: discovers `modelPackages` (if any) and builds the app.
 * @example
 * const app = await createS3verlessApp({ modelPackages: ['./models.js'], store: fsStore({ root: './data' }) })
 */
export async function createS3verlessApp<const Ms extends readonly Model[] = readonly Model[]>(
  options: S3verlessOptions<Ms> = {},
): Promise<S3verlessApp<Ms>> {
  const builder = new S3verless(options)
  if (options.modelPackages?.length) await builder.discoverModels()
  return builder.createApp()
}
