import { parseArgs } from 'node:util'
import { loadSettings, type VerifyReport } from '@s3verless/core'
import { appModels, findModel, openDatabase } from '../app-models.js'
import { UsageError } from '../cli-io.js'
import { MODELS_OPTION } from '../load-models.js'
import { DATA_OPTION, openStore, STORE_USAGE } from '../open-store.js'
import { countBar } from '../progress-bar.js'
import type { Command } from './command.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** What `reindex` prints (and, as JSON, what `--json` prints). */
export interface ReindexSummary {
  model: string
  records: number
  repaired: VerifyReport['repaired']
  corrupt: string[]
  duplicates: VerifyReport['duplicates']
  /** Leftovers younger than the lease, left alone (a write may be in flight). */
  inFlight: number
  /** The model's indexes and unique constraints after the run. */
  indexes: { ready: string[]; building: string[] }
  durationMs: number
}

function formatSummary(s: ReindexSummary): string {
  const r = s.repaired
  const lines = [
    `Reindexed ${s.model}: ${plural(s.records, 'record')} in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  index entries: ${r.indexEntriesAdded} added, ${r.indexEntriesRemoved} removed`,
    `  unique claims: ${r.claimsAdded} added, ${r.claimsReleased} released`,
  ]
  if (r.tombstonesRemoved || r.deletesFinished)
    lines.push(`  tombstones removed: ${r.tombstonesRemoved}, deletes finished: ${r.deletesFinished}`)
  if (s.inFlight) lines.push(`  left alone: ${plural(s.inFlight, 'entry')} younger than the lease (a write may be in flight)`)
  for (const key of s.corrupt) lines.push(`  unreadable record: ${key}`)
  for (const d of s.duplicates) lines.push(`  duplicate ${d.field} ${JSON.stringify(d.value)}: ${d.ids.join(', ')}`)
  lines.push(`  ready: ${s.indexes.ready.join(', ') || 'none'}`)
  if (s.indexes.building.length) lines.push(`  NOT built: ${s.indexes.building.join(', ')} (fix the records above, then reindex again)`)
  return `${lines.join('\n')}\n`
}

/**
 * `s3verless reindex <model>`: rebuilds a model's index entries and unique claims from its records
 * (`repo.reindex()`), with a progress bar on stderr and a summary on stdout (`--json`). Exit code 1
 * when some index or constraint could not be built (unreadable records, duplicate unique values).
 */
export const reindexCommand: Command = {
  name: 'reindex',
  summary: "Rebuild a model's index entries and unique claims from its records",
  usage: `Usage: s3verless reindex <model> --models <module> [--json] [--no-progress] [--data DIR]

Rebuilds the index entries and unique claims of <model> (its name or plural) from
its records, removes stale ones, and marks its indexes ready for queries. Safe to run
while the application writes. Prints a progress bar on stderr and a summary on stdout.

Options:
  --models <module>  Module exporting the application's models (or S3VERLESS_MODELS);
                     not needed for the auth package's User model
  --json             Print the summary as JSON
  --no-progress      No progress bar
  --data DIR         Use the file-system store in DIR
  -h, --help         Show this help

${STORE_USAGE}
Exit code 1 when an index or constraint could not be built (unreadable records,
duplicate unique values: the summary names them).`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...MODELS_OPTION, ...DATA_OPTION, json: { type: 'boolean' }, 'no-progress': { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length !== 1) throw new UsageError(`expected one model, got ${positionals.length ? positionals.join(' ') : 'none'}`)
    const name = positionals[0] as string
    const path = values.models ?? io.env.S3VERLESS_MODELS
    const models = await appModels(path)
    if (!path && !['user', 'users'].includes(name.toLowerCase()))
      throw new UsageError('--models <module> is required (the module that exports your models)')
    const model = findModel(models, name)
    const settings = loadSettings(io.env)
    const { store, close } = await openStore(settings, io.env, { dataDir: values.data })
    const bar = values['no-progress'] ? undefined : countBar(io.stderr, `reindex ${model.name}`)
    try {
      const repo = openDatabase(store, settings, models).repository(model)
      const started = performance.now()
      const report = await repo.reindex(bar ? { onProgress: (done, total) => bar.update(done, total) } : {})
      bar?.stop()
      const summary: ReindexSummary = {
        model: model.name,
        records: report.records,
        repaired: report.repaired,
        corrupt: report.corrupt,
        duplicates: report.duplicates,
        inFlight: report.inFlight.length,
        indexes: await repo.indexStatus(),
        durationMs: Math.round(performance.now() - started),
      }
      io.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary))
      return summary.indexes.building.length > 0 ? 1 : 0
    } finally {
      bar?.stop()
      close()
    }
  },
}
