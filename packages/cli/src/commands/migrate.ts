import { parseArgs } from 'node:util'
import { loadSettings } from '@s3verless/core'
import { UsageError } from '../cli-io.js'
import { loadModels, modelsPath } from '../load-models.js'
import { DATA_OPTION, openStore, STORE_USAGE } from '../open-store.js'
import { progressBar } from '../progress-bar.js'
import type { Command } from './command.js'
import { formatResult, formatRun, formatStatus } from './migrate-output.js'

/** Where migration files are looked for when `--dir` is not given. */
export const DEFAULT_MIGRATIONS_DIR = './migrations'

function parseWait(raw: string | undefined): number {
  if (raw === undefined) return 0
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isFinite(seconds)) throw new UsageError(`--wait must be a number of seconds, got "${raw}"`)
  return seconds * 1000
}

/**
 * `s3verless migrate`: runs the pending migrations of a folder against the configured store, with a
 * progress bar on stderr and a line per migration on stdout; `--dry-run`, `--status`,
 * `--rollback VERSION`, `--backfill`, `--wait SECONDS`. Exit code 1 when a migration failed.
 */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Run pending data migrations (--dry-run, --status, --rollback)',
  usage: `Usage: s3verless migrate --models <module> [--dir <folder>] [options]

Runs the pending migrations (files in --dir exporting Migration objects) on the
records of the models that <module> exports, one runner at a time (a lease in the
bucket). Prints a progress bar on stderr and one line per migration on stdout.

Options:
  --models <module>    Module exporting the application's models (or S3VERLESS_MODELS)
  --dir <folder>       Folder of migration files (default ${DEFAULT_MIGRATIONS_DIR})
  --dry-run            Transform and check every record, write nothing
  --status             List applied migrations (dates, counts) and pending ones
  --rollback <version> Roll back one applied migration (the latest of its model)
  --backfill           Also rewrite records stored at an older lazy-upgrade version
  --wait <seconds>     Wait this long for another runner's lease (default 0: report it)
  --no-progress        No progress bar
  --data DIR           Use the file-system store in DIR
  -h, --help           Show this help

${STORE_USAGE}
Exit code 1 when a migration failed.`,

  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        models: { type: 'string' },
        dir: { type: 'string' },
        'dry-run': { type: 'boolean' },
        status: { type: 'boolean' },
        rollback: { type: 'string' },
        backfill: { type: 'boolean' },
        wait: { type: 'string' },
        'no-progress': { type: 'boolean' },
        ...DATA_OPTION,
      },
      allowPositionals: false,
      strict: true,
    })
    if (values.status && values.rollback !== undefined) throw new UsageError('--status and --rollback cannot be combined')
    const waitMs = parseWait(values.wait)
    const models = await loadModels(modelsPath(values.models, io.env))
    const settings = loadSettings(io.env)
    const { store, close } = await openStore(settings, io.env, { dataDir: values.data })
    const bar = values['no-progress'] ? undefined : progressBar(io.stderr)
    try {
      const { MigrationRunner } = await import('@s3verless/migrations')
      const runner = new MigrationRunner(store, settings.awsBucketName ?? 'local', values.dir ?? DEFAULT_MIGRATIONS_DIR, {
        models,
        basePath: settings.s3BasePath,
        ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
      })
      if (values.status) {
        io.stdout.write(formatStatus(await runner.status()))
        return 0
      }
      const dryRun = values['dry-run'] ?? false
      if (values.rollback !== undefined) {
        const result = await runner.rollback(values.rollback, { dryRun, waitMs })
        bar?.stop()
        io.stdout.write(`${formatResult(result)}\n`)
        return result.status === 'failed' ? 1 : 0
      }
      const report = await runner.runPending({ dryRun, waitMs, backfill: values.backfill ?? false })
      bar?.stop()
      io.stdout.write(formatRun(report))
      return report.ok ? 0 : 1
    } finally {
      bar?.stop()
      close()
    }
  },
}
