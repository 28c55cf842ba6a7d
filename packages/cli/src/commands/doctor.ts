import { parseArgs } from 'node:util'
import { createDatabase, DEFAULT_LEASE_MS, loadSettings } from '@s3verless/core'
import { UsageError } from '../cli-io.js'
import { formatDoctor } from '../doctor/doctor-output.js'
import { runDoctor } from '../doctor/run-doctor.js'
import { loadModels } from '../load-models.js'
import { openStore } from '../open-store.js'
import { progressBar } from '../progress-bar.js'
import type { Command } from './command.js'

function parseLease(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LEASE_MS
  const ms = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(ms) || ms < 1) throw new UsageError(`--lease must be a whole number of milliseconds, got "${raw}"`)
  return ms
}

/**
 * `s3verless doctor`: checks every model of `--models` for drift between records, index entries and
 * unique claims, leftover tombstones, incomplete deletes and orphans (foreign keys naming no record);
 * `--repair` fixes what can be fixed, then checks again. Exit code 0 when clean (or repaired clean),
 * 1 when findings are left.
 */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check indexes, unique claims and relations for drift (--repair fixes it)',
  usage: `Usage: s3verless doctor --models <module> [--repair] [options]

Checks every model that <module> exports: index entries a record lacks or that
name no record (stale), unique values without a claim and claims nobody holds
(abandoned), unique values held twice, unreadable records, leftover tombstones,
deletes that stopped midway, and orphans (foreign keys naming no record).
Leftovers younger than the lease may be writes in flight: they are listed and
left alone. Prints a progress bar on stderr and a summary on stdout.

Options:
  --models <module>  Module exporting the application's models (or S3VERLESS_MODELS)
  --repair           Fix what can be fixed (add missing entries and claims, remove
                     abandoned ones, finish incomplete deletes), then check again
  --lease <ms>       The lease your application uses (createDatabase's leaseMs;
                     default ${DEFAULT_LEASE_MS})
  --data <dir>       Use the file-system store in <dir> (instead of AWS_* settings)
  --json             Print the findings as JSON on stdout (no progress bar)
  --no-progress      No progress bar
  -h, --help         Show this help

Duplicates, unreadable records and orphans are reported, never changed.
The store is the data directory given by --data, else S3 when AWS_BUCKET_NAME is
set, else S3VERLESS_DATA_DIR (default ./.s3verless-data).
Exit code: 0 clean (or repaired clean), 1 findings left, 2 usage mistake.`,

  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        models: { type: 'string' },
        repair: { type: 'boolean' },
        lease: { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
      },
      allowPositionals: false,
      strict: true,
    })
    const modelsPath = values.models ?? io.env.S3VERLESS_MODELS
    if (!modelsPath) throw new UsageError('--models <module> is required (the module that exports your models)')
    const leaseMs = parseLease(values.lease)
    const models = await loadModels(modelsPath)
    const settings = loadSettings(io.env)
    const { store, description, close } = await openStore(settings, io.env, { dataDir: values.data })
    const bar = values.json || values['no-progress'] ? undefined : progressBar(io.stderr)
    try {
      const db = createDatabase({ store, models, basePath: settings.s3BasePath, leaseMs })
      const result = await runDoctor(db, models, { repair: values.repair ?? false, ...(bar ? { onProgress: (p) => bar.update(p) } : {}) })
      bar?.stop()
      if (values.json)
        io.stdout.write(`${JSON.stringify({ store: description, leaseMs, clean: result.findings === 0, ...result }, null, 2)}\n`)
      else io.stdout.write(formatDoctor(result, description))
      return result.findings === 0 ? 0 : 1
    } finally {
      bar?.stop()
      close()
    }
  },
}
