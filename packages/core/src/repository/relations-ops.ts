import { S3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { findByIndex } from './index-lookup.js'
import type { RepoCore } from './repo-core.js'

/** Gives the internals of another model's repository (from the same database). */
export type CoreOf = (model: Model) => RepoCore

/**
 * Loads one relation for many records with batched lookups: `belongsTo` reads each distinct parent
 * once (parallel GETs); `hasMany`/`hasOne` list the foreign-key index once per record (in parallel).
 * Returns a map from each record's id to its related record(s).
 */
export async function loadRelation(
  core: RepoCore,
  records: readonly { id: string; [k: string]: unknown }[],
  relationName: string,
  coreOf: CoreOf,
): Promise<Map<string, unknown>> {
  const relation = core.model.relations[relationName]
  if (!relation) {
    const known = Object.keys(core.model.relations).join(', ') || 'none'
    throw new S3verlessError('model.unknownRelation', `${core.model.name} has no relation "${relationName}" (relations: ${known})`, {
      details: { model: core.model.name, relation: relationName },
    })
  }
  const other = coreOf(core.settings.registry.get(relation.model))
  const out = new Map<string, unknown>()
  if (relation.kind === 'belongsTo') {
    const ids = [...new Set(records.map((r) => r[relation.foreignKey]).filter((v): v is string => typeof v === 'string'))]
    const parents = new Map<string, unknown>()
    await Promise.all(
      ids.map(async (id) => {
        const raw = await other.read(id).catch(() => null)
        if (raw) parents.set(id, raw.record)
      }),
    )
    for (const r of records) out.set(r.id, parents.get(r[relation.foreignKey] as string) ?? null)
    return out
  }
  await other.catalog.require(`asc:${relation.foreignKey}`)
  await Promise.all(
    records.map(async (r) => {
      const related = (await findByIndex(other, relation.foreignKey, r.id)).map((raw) => raw.record)
      out.set(r.id, relation.kind === 'hasOne' ? (related[0] ?? null) : related)
    }),
  )
  return out
}
