import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { createSettings, loadSettings, type S3verlessSettings } from '@s3verless/core'
import type { S3verless } from '@s3verless/hono'
import type { AppContext, AppModule, FetchApp } from '../app-module.js'
import { type CliIo, UsageError } from '../cli-io.js'
import { DATA_OPTION, openStore, STORE_USAGE } from '../open-store.js'
import type { Command } from './command.js'

/** The port `serve` listens on when neither `--port` nor `PORT` is given. */
export const DEFAULT_PORT = 3000

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isInteger(port) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${raw}"`)
  return port
}

/** The settings, with a random signing key for this run when `SECRET_KEY` is not set (said on stderr). */
function withSecret(settings: S3verlessSettings, io: CliIo): S3verlessSettings {
  if (settings.secretKey) return settings
  io.stderr.write('SECRET_KEY is not set: using a random one for this run (sign-ins end when the server stops).\n')
  return createSettings({ ...settings, secretKey: randomBytes(32).toString('hex') })
}

/** The app to serve: the module's (a ready app needs no context), or the demo shop's. */
async function appToServe(
  module: AppModule | undefined,
  context: AppContext | undefined,
): Promise<{ app: FetchApp; generated?: S3verless }> {
  if (module?.kind === 'app') return { app: module.app }
  if (!context) throw new Error('serve: no store to serve on')
  const { appOf, generatedApp } = await import('../app-module.js')
  if (module) return appOf(module, context)
  const { demoModels } = await import('../demo/demo-models.js')
  const demo = generatedApp(demoModels, context, { title: 'S3verless demo shop' })
  return { app: demo.createApp(), generated: demo }
}

/** Resolves when the process is asked to stop (SIGINT, SIGTERM). */
const stopSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(signal)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })

/**
 * `s3verless serve [app-module]`: serves an application module (its default export: a Hono app or
 * `{ fetch }`, or a function `({ store, settings }) => app`; or, without one, the models it exports
 * through a generated CRUD app), or the demo shop when none is given, on Node. Prints the URL, runs
 * until SIGINT or SIGTERM, then closes the server and exits 0.
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve an app module, a models module (CRUD, docs, admin) or the demo shop',
  usage: `Usage: s3verless serve [app-module] [--port N] [--host HOST] [--data DIR]

Serves over HTTP, until Ctrl+C (SIGINT) or SIGTERM:
  - an app module: its default export is a Hono app (or anything with fetch), or
    a function ({ store, settings }) => app given the store chosen below;
  - a models module (no such default export): the models it exports, through a
    generated app with CRUD routes, auth, OpenAPI docs at /docs and the admin UI;
  - nothing: the demo shop (products and reviews) the same way.
Prints the URL on stdout. A .ts module needs tsx (npx tsx node_modules/.bin/s3verless …).

Options:
  --port N     Port to listen on (default PORT or ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST  Address to listen on (default HOST or 127.0.0.1; 0.0.0.0 for every interface)
  --data DIR   Use the file-system store in DIR (made if missing)
  -h, --help   Show this help

${STORE_USAGE}
A ready app (not a factory) opens its own store, so --data does not apply to it.
SECRET_KEY signs tokens; without it a random key is used for the run.`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { port: { type: 'string' }, host: { type: 'string' }, ...DATA_OPTION },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length > 1) throw new UsageError(`expected at most one app module, got ${positionals.length}: ${positionals.join(' ')}`)
    const port = parsePort(values.port ?? io.env.PORT)
    const hostname = values.host ?? io.env.HOST ?? '127.0.0.1'
    // The app adapter and the server are loaded only here, so the other commands start faster.
    const { loadAppModule, needsFirstAdmin } = await import('../app-module.js')
    const { serve } = await import('@hono/node-server')
    const module: AppModule | undefined = positionals[0] ? await loadAppModule(positionals[0]) : undefined
    if (module?.kind === 'app' && values.data !== undefined)
      throw new UsageError(
        `--data does not apply to ${module.file}: it exports a ready app with its own store (export a function ({ store }) => app instead)`,
      )
    const settings = withSecret(loadSettings(io.env), io)
    const opened = module?.kind === 'app' ? undefined : await openStore(settings, io.env, { dataDir: values.data, create: true })
    try {
      const { app, generated } = await appToServe(module, opened ? { store: opened.source, settings } : undefined)
      const server = serve({ fetch: (request, env) => app.fetch(request, env), hostname, port })
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve)
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(
            error.code === 'EADDRINUSE'
              ? new Error(`port ${port} on ${hostname} is in use: pass --port with a free one (or --port 0)`)
              : error,
          ),
        )
      })
      const address = server.address() as AddressInfo
      const base = `http://${hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname}:${address.port}`
      const what = module ? module.file : 'the demo shop'
      io.stdout.write(`Serving ${what} at ${base}/${opened ? ` (data in ${opened.description})` : ''}\n`)
      if (generated) {
        io.stdout.write(
          `  API     ${base}/\n  Docs    ${base}/docs   (OpenAPI: ${base}/openapi.json)\n  Admin   ${base}/admin\n  Health  ${base}/health\n`,
        )
        if (await needsFirstAdmin(generated))
          io.stdout.write(
            `No admin yet: open ${base}/admin/setup with the one-time token ${generated.options.setupToken}, or run s3verless create-admin.\n`,
          )
      }
      io.stdout.write('Press Ctrl+C to stop.\n')
      const signal = await stopSignal()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      })
      io.stderr.write(`Stopped (${signal}).\n`)
      return 0
    } finally {
      opened?.close()
    }
  },
}
