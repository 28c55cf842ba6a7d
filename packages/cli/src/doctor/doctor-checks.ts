import { type Database, isS3verlessError, type Model, type VerifyReport } from '@s3verless/core'

/** A record whose foreign key names no record of the model it belongs to (or one being deleted). */
export interface Orphan {
  model: string
  id: string
  field: string
  value: string
  parent: string
}

/** What `doctor` found in one model. `inFlight` leftovers are listed but are not findings. */
export interface ModelFindings {
  model: string
  records: number
  missingIndexEntries: string[]
  danglingIndexEntries: string[]
  missingClaims: { field: string; value: unknown; id: string }[]
  staleClaims: string[]
  duplicates: { field: string; value: unknown; ids: string[] }[]
  corrupt: string[]
  tombstones: string[]
  pendingDeletes: string[]
  orphans: Orphan[]
  /** Leftovers younger than the lease: possibly a write in flight (listed, never counted as findings). */
  inFlight: string[]
}

/** The finding kinds, in the order they are printed, with their singular and plural names. */
export const FINDING_KINDS = [
  ['missingIndexEntries', 'missing index entry', 'missing index entries'],
  ['danglingIndexEntries', 'stale index entry', 'stale index entries'],
  ['missingClaims', 'missing unique claim', 'missing unique claims'],
  ['staleClaims', 'abandoned unique claim', 'abandoned unique claims'],
  ['duplicates', 'unique value held twice', 'unique values held twice'],
  ['corrupt', 'unreadable record', 'unreadable records'],
  ['tombstones', 'leftover tombstone', 'leftover tombstones'],
  ['pendingDeletes', 'incomplete delete', 'incomplete deletes'],
  ['orphans', 'orphan (dangling foreign key)', 'orphans (dangling foreign keys)'],
] as const

export type FindingKind = (typeof FINDING_KINDS)[number][0]

/** How many findings a model has (in-flight leftovers excluded). */
export const findingCount = (f: ModelFindings) => FINDING_KINDS.reduce((n, [kind]) => n + f[kind].length, 0)

/** A foreign key of `child` pointing at records of `parent`. */
interface Link {
  child: Model
  field: string
  parent: Model
}

/** Every foreign key among `models`, from either side of the relation (`belongsTo`, or `hasMany`/`hasOne`). */
export function foreignKeys(models: readonly Model[]): Link[] {
  const byName = new Map(models.map((m) => [m.name, m]))
  const links = new Map<string, Link>()
  for (const model of models) {
    for (const relation of Object.values(model.relations)) {
      const other = byName.get(relation.model)
      if (!other) continue
      const [child, parent] = relation.kind === 'belongsTo' ? [model, other] : [other, model]
      links.set(`${child.name}.${relation.foreignKey}`, { child, field: relation.foreignKey, parent })
    }
  }
  return [...links.values()]
}

/**
 * Records of `link.child` whose foreign key names no live record of `link.parent`: every child read
 * once, and one GET per distinct parent named.
 */
export async function findOrphans(db: Database, link: Link): Promise<Orphan[]> {
  const parents = db.repository(link.parent)
  const known = new Map<string, Promise<boolean>>()
  const alive = (id: string) => {
    let answer = known.get(id)
    if (!answer) {
      answer = parents.exists(id).catch((error: unknown) => {
        if (isS3verlessError(error, 'model.invalidId')) return false
        throw error
      })
      known.set(id, answer)
    }
    return answer
  }
  const orphans: Orphan[] = []
  for await (const record of db.repository(link.child).iterate()) {
    const value = (record as Record<string, unknown>)[link.field]
    if (value === null || value === undefined) continue
    if (!(await alive(String(value)))) {
      orphans.push({ model: link.child.name, id: record.id, field: link.field, value: String(value), parent: link.parent.name })
    }
  }
  return orphans
}

/** A model's findings from its verify report and its orphans. */
export function findingsOf(report: VerifyReport, orphans: Orphan[]): ModelFindings {
  return {
    model: report.model,
    records: report.records,
    missingIndexEntries: report.missingIndexEntries,
    danglingIndexEntries: report.danglingIndexEntries,
    missingClaims: report.missingClaims,
    staleClaims: report.staleClaims,
    duplicates: report.duplicates,
    corrupt: report.corrupt,
    tombstones: report.tombstones.map((t) => t.key),
    pendingDeletes: report.pendingDeletes,
    orphans,
    inFlight: report.inFlight,
  }
}
