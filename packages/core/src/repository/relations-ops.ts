import { S3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { RestrictError } from '../model/model-errors.js'
import { findByIndex } from './index-lookup.js'
import type { RawRecord } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/** Gives the internals of another model's repository (from the same database). */
export type CoreOf = (model: Model) => RepoCore

/** What a delete does to dependents: the hooks the repository provides. */
export interface DependentActions {
  deleteOne(core: RepoCore, raw: RawRecord): Promise<void>
  setNull(core: RepoCore, raw: RawRecord, field: string): Promise<void>
}

/**
 * Applies the delete rules of every relation that points at `record`: first every `restrict` rule
 * is checked (nothing changes if one refuses), then `cascade` deletes and `setNull` clears the
 * dependents found through the foreign-key index (never a scan).
 * @throws RestrictError naming the relation.
 */
export async function applyDeleteRules(
  core: RepoCore,
  record: RawRecord['record'],
  coreOf: CoreOf,
  actions: DependentActions,
): Promise<void> {
  const rules = core.settings.registry.dependents(core.model).filter((r) => r.onDelete !== 'doNothing')
  for (const rule of rules) await coreOf(rule.model).catalog.require(`asc:${rule.foreignKey}`)
  const found = await Promise.all(
    rules.map(async (rule) => ({ rule, dependents: await findByIndex(coreOf(rule.model), rule.foreignKey, record.id, { fresh: true }) })),
  )
  for (const { rule, dependents } of found) {
    if (rule.onDelete === 'restrict' && dependents.length > 0)
      throw new RestrictError(core.model.name, record.id, rule.via, rule.model.name)
  }
  for (const { rule, dependents } of found) {
    const other = coreOf(rule.model)
    for (const raw of dependents) {
      if (rule.onDelete === 'cascade') await actions.deleteOne(other, raw)
      else if (rule.onDelete === 'setNull') await actions.setNull(other, raw, rule.foreignKey)
    }
  }
}

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
