import { parseArgs } from 'node:util'
import { createSettings, isS3verlessError, loadSettings, memoryStore } from '@s3verless/core'
import { appModels, findModel, openDatabase } from '../app-models.js'
import type { AppModule } from '../app-module.js'
import { UsageError } from '../cli-io.js'
import { MODELS_OPTION } from '../load-models.js'
import { DATA_OPTION, openStore, STORE_USAGE } from '../open-store.js'
import type { Command } from './command.js'
import { describeModel, formatInspect, type ModelInfo } from './inspect-output.js'

/** The routes an app lists (Hono's `app.routes`), without middleware, each method and path once. */
function routesOf(app: { routes?: readonly { method: string; path: string }[] }): { method: string; path: string }[] | null {
  if (!app.routes) return null
  const seen = new Set<string>()
  const out: { method: string; path: string }[] = []
  for (const { method, path } of app.routes) {
    const key = `${method} ${path}`
    if (method === 'ALL' || seen.has(key)) continue
    seen.add(key)
    out.push({ method, path })
  }
  return out
}

/** The routes of an app module: a ready app's own, or those of the app a factory or models module makes (on a throw-away memory store). */
async function appRoutes(module: AppModule) {
  const settings = createSettings({ secretKey: 'inspect-only-never-signs-anything-0123456789' })
  const { appOf } = await import('../app-module.js')
  const { app } = await appOf(module, { store: memoryStore(), settings })
  return routesOf(app)
}

/**
 * `s3verless inspect`: the application's models (fields and their types, plurals, unique and
 * indexed fields, relations, access rules) with each model's index catalog state from the store,
 * and with `--app` the routes of the app; `--json` for scripts.
 */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show models, fields, indexes (and their state), relations, access rules and routes',
  usage: `Usage: s3verless inspect --models <module> [--app <module>] [--model NAME] [--json] [--data DIR]

Describes the application: each model's plural, fields (type, optional, nullable),
unique and indexed fields, owner field, relations and access rules, and the state
of its indexes in the store (ready, or declared but not built yet: reindex). With
--app, the routes of the app (an app module, a factory or a models module, as
s3verless serve takes them). With only --app, its models are those it exports.

Options:
  --models <module>  Module exporting the application's models (or S3VERLESS_MODELS)
  --app <module>     Also list the routes of this app
  --model NAME       Only this model (name or plural)
  --json             Print {"store", "models": [...], "routes": [...] | null} as JSON
  --data DIR         Use the file-system store in DIR
  -h, --help         Show this help

${STORE_USAGE}
Without a store (no data directory yet), index states are reported as unknown.`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...MODELS_OPTION, ...DATA_OPTION, app: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (give modules with --models and --app)`)
    const app = values.app ? await (await import('../app-module.js')).loadAppModule(values.app) : undefined
    const path = values.models ?? io.env.S3VERLESS_MODELS
    if (!path && !app) throw new UsageError('--models <module> is required (the module that exports your models), or --app <module>')
    const own = path ? await appModels(path) : await appModels(undefined).then((m) => [...(app?.kind === 'models' ? app.models : []), ...m])
    const models = values.model ? [findModel(own, values.model)] : own
    const settings = loadSettings(io.env)
    const opened = await openStore(settings, io.env, { dataDir: values.data }).catch((error: unknown) => {
      if (isS3verlessError(error, 'cli.noDataDir')) return { unavailable: (error as Error).message }
      throw error
    })
    try {
      const database = 'store' in opened ? openDatabase(opened.store, settings, own) : undefined
      const infos: ModelInfo[] = []
      for (const model of models)
        infos.push({ ...describeModel(model), indexes: database ? await database.repository(model).indexStatus() : null })
      const routes = app ? await appRoutes(app) : null
      const store = 'store' in opened ? opened.description : `no store (${opened.unavailable})`
      io.stdout.write(values.json ? `${JSON.stringify({ store, models: infos, routes })}\n` : formatInspect(infos, routes, store))
      return 0
    } finally {
      if ('close' in opened) opened.close()
    }
  },
}
