import { randomBytes } from 'node:crypto'
import type { Model, ObjectStore, S3ClientManager, S3verlessSettings } from '@s3verless/core'
import { S3verless, setupDone } from '@s3verless/hono'
import { nodeDocsAssets } from '@s3verless/hono/node'
import { UsageError } from './cli-io.js'
import { importModule, modelsOf } from './load-models.js'

/** Something that answers HTTP requests: a Hono app, or any `{ fetch }`. */
export interface FetchApp {
  fetch(request: Request, ...rest: unknown[]): Response | Promise<Response>
  /** Hono apps list their routes here. */
  routes?: readonly { method: string; path: string }[]
}

/** What an app factory (a module's default export that is a function) is given. */
export interface AppContext {
  store: ObjectStore | S3ClientManager
  settings: S3verlessSettings
}

/**
 * What an application module holds: a ready app (`app`: its default export has `fetch`), a factory
 * of one (`factory`: its default export is a function of {@link AppContext}), or models (`models`:
 * no such default export, but exported models, served by a generated CRUD app).
 */
export type AppModule =
  | { kind: 'app'; file: string; app: FetchApp }
  | { kind: 'factory'; file: string; create: (context: AppContext) => FetchApp | Promise<FetchApp> }
  | { kind: 'models'; file: string; models: Model[] }

const isFetchApp = (value: unknown): value is FetchApp => typeof (value as FetchApp | null)?.fetch === 'function'

/**
 * Loads an application module for `serve` and `inspect`.
 * @throws UsageError when the module is missing or holds neither an app, a factory nor models.
 */
export async function loadAppModule(path: string): Promise<AppModule> {
  const { file, exports } = await importModule(path)
  const main = exports.default
  if (isFetchApp(main)) return { kind: 'app', file, app: main }
  if (typeof main === 'function') return { kind: 'factory', file, create: main as (context: AppContext) => FetchApp }
  const models = modelsOf(exports)
  if (models.length > 0) return { kind: 'models', file, models }
  throw new UsageError(
    `${file} has no app: export default a Hono app (or { fetch }), a function ({ store, settings }) => app, or export your models`,
  )
}

/** The app an application module makes on `store`. */
export async function appOf(module: AppModule, context: AppContext): Promise<{ app: FetchApp; generated?: S3verless }> {
  if (module.kind === 'app') return { app: module.app }
  if (module.kind === 'factory') {
    const app = await module.create(context)
    if (!isFetchApp(app)) throw new UsageError(`the default export of ${module.file} returned no app (nothing with a fetch method)`)
    return { app }
  }
  const generated = generatedApp(module.models, context, { title: 'S3verless API' })
  return { app: generated.createApp(), generated }
}

/**
 * The CRUD app `serve` makes for models: routes per model, auth, docs (swagger-ui from
 * `swagger-ui-dist`) and the admin UI, with a fresh one-time setup token for the first admin.
 */
export function generatedApp(models: readonly Model[], context: AppContext, options: { title: string }): S3verless {
  return new S3verless({
    settings: context.settings,
    store: context.store,
    models,
    title: options.title,
    docsAssets: nodeDocsAssets(),
    setupToken: randomBytes(18).toString('base64url'),
  })
}

/** Whether the generated app still needs its first admin (then its setup token is worth printing). */
export const needsFirstAdmin = async (generated: S3verless): Promise<boolean> => {
  const auth = generated.appData.auth
  return auth ? !(await setupDone(auth).catch(() => true)) : false
}
