import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { Database, Model } from '@s3verless/core'
import { type SeedOptions, type SeedReport, seedModel } from './seed.js'
import { parseSeedText, referencedModels, type SeedRecord, seedError } from './seed-records.js'

/** The model a seed file is for: its name without extension is the model's name or plural (`Product.json`, `products.ndjson`). */
export function modelForFile(file: string, models: readonly Model[]): Model {
  const stem = basename(file, extname(file)).toLowerCase()
  const model = models.find((m) => m.name.toLowerCase() === stem || m.plural.toLowerCase() === stem)
  if (!model) {
    throw seedError(
      `${file}: the file name names no model (expected one of ${models.map((m) => `${m.name}.json`).join(', ')}, or .ndjson)`,
      { file },
    )
  }
  return model
}

/**
 * Seeds from files, one model per file (named for the model: `Category.json`, `products.ndjson`),
 * in an order where every referenced model comes first (whatever order the files are given in).
 * Idempotent: a re-run reports every record as `existing`.
 * @throws S3verlessError `testing.seed` for an unreadable or malformed file, a file naming no model,
 *   references that form a cycle, or a reference to nothing seeded.
 */
export async function seedFiles(db: Database, files: readonly string[], options: SeedOptions = {}): Promise<SeedReport[]> {
  const models = db.registry.models
  const loaded = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw seedError(`${file}: cannot read the seed file (${error.code ?? error.message})`, { file })
      })
      return { file, model: modelForFile(file, models), records: parseSeedText(text, file) }
    }),
  )
  const ids = options.ids ?? new Map<string, string>()
  const reports: SeedReport[] = []
  for (const entry of dependencyOrder(loaded)) reports.push(await seedModel(db, entry.model, entry.records, { ...options, ids }))
  return reports
}

/** Orders files so a model's references are seeded before it. */
function dependencyOrder<T extends { file: string; model: Model; records: SeedRecord[] }>(loaded: T[]): T[] {
  const byModel = new Map(loaded.map((l) => [l.model.name, l]))
  const ordered: T[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (entry: T, chain: string[]) => {
    const name = entry.model.name
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting')
      throw seedError(`Seed files refer to each other in a cycle: ${[...chain, name].join(' → ')}`, { files: loaded.map((l) => l.file) })
    state.set(name, 'visiting')
    const deps = new Set<string>()
    for (const r of entry.records) referencedModels(r.data, deps)
    for (const dep of deps) {
      const target = byModel.get(dep)
      if (target && dep !== name) visit(target, [...chain, name])
    }
    state.set(name, 'done')
    ordered.push(entry)
  }
  for (const entry of loaded) visit(entry, [])
  return ordered
}
