import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { createDatabase, loadSettings, type Model } from '@s3verless/core'
import { defineFactory, parseSeedText, type SeedReport, seedModel } from '@s3verless/testing'
import { UsageError } from '../cli-io.js'
import { loadModels } from '../load-models.js'
import { DATA_OPTION, openStore } from '../open-store.js'
import { progressBar } from '../progress-bar.js'
import type { Command } from './command.js'

/** The largest `--count` accepted in one run. */
export const MAX_SEED_COUNT = 100_000

function parseCount(raw: string): number {
  const count = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!(count >= 1 && count <= MAX_SEED_COUNT))
    throw new UsageError(`--count must be a whole number from 1 to ${MAX_SEED_COUNT}, got "${raw}"`)
  return count
}

function findModel(models: readonly Model[], name: string): Model {
  const wanted = name.toLowerCase()
  const model = models.find((m) => m.name.toLowerCase() === wanted || m.plural.toLowerCase() === wanted)
  if (!model) throw new UsageError(`no model "${name}" (the models are ${models.map((m) => m.name).join(', ')})`)
  return model
}

/**
 * `s3verless seed <model> --count N | --file F`: creates N records made by the model's factory
 * (`@s3verless/testing`, seeded: `--seed`), or the records of a JSON/NDJSON seed file. Re-runs are
 * idempotent: records get stable ids (from the seed file's keys or the record's content), and one
 * already there is counted, not written again. A progress bar on stderr; a summary on stdout
 * (`--json` for scripts).
 */
export const seedCommand: Command = {
  name: 'seed',
  summary: 'Add generated (--count) or file (--file) records to a model',
  usage: `Usage: s3verless seed <model> --models <module> (--count <n> | --file <file>) [options]

Adds records to <model> (its name or plural): --count N makes N valid records from the
model's schema with realistic values (the same ones for the same --seed), --file reads a
JSON array or NDJSON file of records ("@key" names a record; "@Model:key" refers to
one seeded earlier in the same file). Running it again adds nothing new: each record
has a stable id, and one already stored is counted as existing.

Options:
  --models <module>    Module exporting the application's models (or S3VERLESS_MODELS)
  --count <n>          How many records to generate (1 to ${MAX_SEED_COUNT.toLocaleString('en-US')})
  --file <file>        Seed file (.json: an array of records; .ndjson: one record a line)
  --seed <n>           Seed of the generator (default 1)
  --data <dir>         Use the file-system store in <dir> (made if missing) instead of S3
  --json               Print the summary as JSON
  --no-progress        No progress bar
  -h, --help           Show this help

Without --data the store is S3 when AWS_BUCKET_NAME is set, otherwise the data directory
S3VERLESS_DATA_DIR (default ./.s3verless-data). Exit code 1 when a record could not be
stored (the message names it), 2 for a usage mistake.`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        models: { type: 'string' },
        count: { type: 'string' },
        file: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        ...DATA_OPTION,
      },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length !== 1)
      throw new UsageError(positionals.length === 0 ? 'name the model to seed' : `one model at a time, got ${positionals.join(' ')}`)
    if ((values.count === undefined) === (values.file === undefined)) throw new UsageError('give either --count <n> or --file <file>')
    const modelsPath = values.models ?? io.env.S3VERLESS_MODELS
    if (!modelsPath) throw new UsageError('--models <module> is required (the module that exports your models)')
    const count = values.count === undefined ? undefined : parseCount(values.count)
    const seed = values.seed === undefined ? 1 : Number(values.seed)
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got "${values.seed}"`)
    const models = await loadModels(modelsPath)
    const model = findModel(models, positionals[0] as string)
    const records =
      count !== undefined
        ? defineFactory(model, { seed }).buildMany(count)
        : parseSeedText(
            await readFile(values.file as string, 'utf8').catch((error: NodeJS.ErrnoException) => {
              throw new UsageError(`cannot read ${values.file} (${error.code ?? error.message})`)
            }),
            values.file as string,
          )
    const settings = loadSettings(io.env)
    const { store, description, close } = await openStore(settings, io.env, {
      ...(values.data !== undefined ? { dataDir: values.data } : {}),
      create: true,
    })
    const bar = values['no-progress'] || records.length < 50 ? undefined : progressBar(io.stderr)
    let report: SeedReport
    try {
      const db = createDatabase({ store, models, basePath: settings.s3BasePath })
      report = await seedModel(db, model, records as never, {
        ...(bar
          ? { onProgress: (p) => bar.update({ phase: 'seed', modelName: p.model, versions: [], done: p.done, total: p.total } as never) }
          : {}),
      })
    } finally {
      bar?.stop()
      close()
    }
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ model: report.model, created: report.created, existing: report.existing, store: description })}\n`,
      )
    } else {
      io.stdout.write(`Seeded ${report.model}: ${report.created} created, ${report.existing} already there (${description}).\n`)
    }
    return 0
  },
}
