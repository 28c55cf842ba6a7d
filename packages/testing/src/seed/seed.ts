import { type Database, isS3verlessError, isUuid, type Model } from '@s3verless/core'
import { canonicalJson, resolveReferences, type SeedRecord, seedError, stableId } from './seed-records.js'

/** Progress of a seed run, after each record. */
export interface SeedProgress {
  model: string
  done: number
  total: number
  created: number
  existing: number
}

/** What seeding one model did. */
export interface SeedReport {
  model: string
  /** Records written by this run. */
  created: number
  /** Records already there from an earlier run (same stable id): left as they were. */
  existing: number
  /** The id of each keyed record, by key. */
  ids: Record<string, string>
}

/** Options for {@link seedModel} and {@link seedFiles}. */
export interface SeedOptions {
  /** Called after each record. */
  onProgress?: (progress: SeedProgress) => void
  /** Ids of records seeded earlier (`"Model:key"` → id), for references across calls. Filled in as records are seeded. */
  ids?: Map<string, string>
}

/**
 * Seeds one model's records. Each record gets a stable id: the `id` it gives, else one derived from
 * its `"@key"`, else from its content, so a second run creates nothing new (each record is a create
 * with that id, 1 GET + the create's PUTs; an id already there is counted as `existing`, never
 * overwritten). References (`"@Category:garden"`) resolve to ids of records seeded before.
 * @throws S3verlessError `testing.seed` for a reference to nothing seeded; the repository's errors
 *   (`model.validation` naming the field, `model.unique`) for an invalid record.
 * @example
 * await seedModel(db, Category, [{ '@key': 'garden', name: 'Garden' }])
 * await seedModel(db, Product, [{ name: 'Rake', categoryId: '@Category:garden' }])
 */
export async function seedModel(
  db: Database,
  model: Model,
  records: readonly (Record<string, unknown> | SeedRecord)[],
  options: SeedOptions = {},
): Promise<SeedReport> {
  const ids = options.ids ?? new Map<string, string>()
  const repo = db.repository(model)
  const report: SeedReport = { model: model.name, created: 0, existing: 0, ids: {} }
  const items = records.map((r, i): SeedRecord => (isSeedRecord(r) ? r : fromPlain(r, i)))
  let done = 0
  for (const item of items) {
    const data = resolveReferences(item.data, ids, item) as Record<string, unknown>
    const given = data.id
    if (given !== undefined && !isUuid(given))
      throw seedError(`${item.file}:${item.line}: "id" must be a UUID, got ${JSON.stringify(given)}`, { file: item.file, line: item.line })
    const id =
      (given as string | undefined) ??
      (await stableId(model.name, item.key !== undefined ? `key:${item.key}` : `content:${canonicalJson(data)}`))
    try {
      await repo.create({ ...data, id } as never)
      report.created++
    } catch (error) {
      // Taken id: an earlier run's record (confirmed with one GET), or a real conflict to report.
      if (!isS3verlessError(error, 'model.conflict') || (await repo.get(id)) === null) throw error
      report.existing++
    }
    if (item.key !== undefined) {
      ids.set(`${model.name}:${item.key}`, id)
      report.ids[item.key] = id
    }
    done++
    options.onProgress?.({ model: model.name, done, total: items.length, created: report.created, existing: report.existing })
  }
  return report
}

const isSeedRecord = (r: Record<string, unknown> | SeedRecord): r is SeedRecord =>
  typeof (r as SeedRecord).file === 'string' && typeof (r as SeedRecord).data === 'object' && 'line' in r
const fromPlain = (r: Record<string, unknown>, i: number): SeedRecord => {
  const { '@key': key, ...data } = r
  return { key: typeof key === 'string' ? key : undefined, data, file: '(records)', line: i + 1 }
}

/**
 * Deletes every record of a model through its repository (relation rules apply), a page of ids at a
 * time: for emptying test data, not a production path. Returns how many were deleted.
 */
export async function clearModel(db: Database, model: Model): Promise<number> {
  const repo = db.repository(model)
  let deleted = 0
  for (;;) {
    const page = await repo.listByPrefix({ limit: 500 })
    if (page.items.length === 0) return deleted
    deleted += await repo.deleteMany(page.items.map((r) => r.id))
  }
}
